"""Packaging beyond pyproject.toml: the top-level folders the wheel ships inside the package.

``templates/``, ``translations/`` and ``migrations/`` stay at the top of the checkout; the wheel
maps them to ``focalpoints/_data/<folder>``, where ``focalpoints.shipped_folder`` finds them
(and finds the checkout's own folders when running from a checkout).
"""

from setuptools import find_packages, setup

SHIPPED = {
    "templates": ["**/*.html", "**/*.txt", "**/*.xml"],
    "translations": ["*/LC_MESSAGES/*.mo"],
    "migrations": ["alembic.ini", "script.py.mako", "env.py", "versions/*.py"],
}

setup(
    packages=[
        *find_packages(include=["focalpoints", "focalpoints.*"]),
        *(f"focalpoints._data.{folder}" for folder in SHIPPED),
    ],
    package_dir={f"focalpoints._data.{folder}": folder for folder in SHIPPED},
    package_data={
        "focalpoints": ["reference/data/*.json", "static/**/*", "auth/data/*"],
        **{f"focalpoints._data.{folder}": globs for folder, globs in SHIPPED.items()},
    },
    include_package_data=False,
)

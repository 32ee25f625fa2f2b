"""focalpoints: national focal point coordination across the biodiversity conventions."""

from __future__ import annotations

import importlib
import logging
import os
import secrets
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: An installed wheel carries the checkout's top-level templates/, translations/ and migrations/
#: here, inside the package (see setup.py); a checkout has no such folder.
SHIPPED_DATA = Path(str(resources.files(__name__).joinpath("_data")))

__all__ = [
    "FEATURE_MODULES",
    "PROJECT_ROOT",
    "SHIPPED_DATA",
    "create_app",
    "data_folder",
    "is_installed",
]


def is_installed() -> bool:
    """Whether this is an installed wheel, which carries its own folders, not a checkout."""
    return SHIPPED_DATA.is_dir()


def data_folder(name: str) -> Path:
    """Return the folder ``name`` (``templates``, ``translations`` or ``migrations``): the
    package's own copy in an installed wheel, the one at the top of a checkout otherwise."""
    return (SHIPPED_DATA if is_installed() else PROJECT_ROOT) / name


# Modules that wire a feature into others on import (signal receivers, history labels).
FEATURE_MODULES = (
    "focalpoints.focal_points.operations",
    "focalpoints.working_groups.labels",
    "focalpoints.working_groups.operations",
    "focalpoints.nbsap.operations",
    "focalpoints.positions.labels",
    "focalpoints.positions.operations",
    "focalpoints.self_service.operations",
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, instance/config.py, FOCALPOINTS_* variables, then ``config``.

    The instance folder is INSTANCE_PATH, else instance/ in a checkout; an installed wheel
    without it gets Flask's default, <virtual environment>/var/focalpoints-instance.
    """
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get(
        "FOCALPOINTS_INSTANCE_PATH"
    )
    if not instance_path and not is_installed():
        instance_path = PROJECT_ROOT / "instance"
    app = Flask(
        __name__,
        instance_path=str(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(data_folder("templates")),
    )
    from focalpoints.urls import IdConverter, configure_base_url

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.from_object("focalpoints.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FOCALPOINTS")
    if config:
        app.config.from_mapping(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_database_url(app)
    _configure_secret_key(app)
    configure_base_url(app)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("focalpoints").setLevel(app.config.get("LOG_LEVEL", "INFO"))

    from focalpoints import (
        database,
        errors,
        fragments,
        i18n,
        navigation,
        pages,
        permissions,
        request_log,
        security,
        static_files,
    )
    from focalpoints.auth import loading
    from focalpoints.extensions import csrf, db, limiter, migrate
    from focalpoints.two_factor import gate

    database.install_sqlite_behaviour()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(data_folder("migrations")), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    loading.init_app(app)
    permissions.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    gate.init_app(app)
    request_log.init_app(app)
    fragments.init_app(app)
    navigation.init_app(app)
    pages.init_app(app)
    static_files.init_app(app)

    from focalpoints import models  # noqa: F401  (every model registered before mappers configure)

    # Features that hold something about people act on the registry's signals (merge, erasure,
    # access requests) and name their fields in its change history whatever blueprints are
    # registered: these modules connect and register on import.
    for module in FEATURE_MODULES:
        importlib.import_module(module)

    from focalpoints.admin.views import bp as admin_bp
    from focalpoints.api.tokens_views import bp as api_tokens_bp
    from focalpoints.api.views import bp as api_bp
    from focalpoints.auth.views import bp as auth_bp
    from focalpoints.calendar_feeds.views import bp as calendar_feeds_bp
    from focalpoints.countries.views import bp as countries_bp
    from focalpoints.coverage.views import bp as coverage_bp
    from focalpoints.designations.views import bp as designations_bp
    from focalpoints.directory.views import bp as directory_bp
    from focalpoints.exports.views import bp as exports_bp
    from focalpoints.focal_points.views import bp as focal_points_bp
    from focalpoints.frameworks.views import bp as frameworks_bp
    from focalpoints.handover.views import bp as handover_bp
    from focalpoints.health import bp as health_bp
    from focalpoints.letters.views import bp as letters_bp
    from focalpoints.meetings.views import bp as meetings_bp
    from focalpoints.nbsap.views import bp as nbsap_bp
    from focalpoints.notifications.views import bp as notifications_bp
    from focalpoints.positions.views import bp as positions_bp
    from focalpoints.reporting.views import bp as reporting_bp
    from focalpoints.self_service.views import bp as self_service_bp
    from focalpoints.two_factor.views import bp as two_factor_bp
    from focalpoints.users.views import bp as users_bp
    from focalpoints.working_groups.views import bp as working_groups_bp

    for blueprint in (
        auth_bp,
        two_factor_bp,
        countries_bp,
        focal_points_bp,
        letters_bp,
        handover_bp,
        working_groups_bp,
        coverage_bp,
        designations_bp,
        exports_bp,
        users_bp,
        notifications_bp,
        admin_bp,
        health_bp,
        api_bp,
        api_tokens_bp,
        calendar_feeds_bp,
        frameworks_bp,
        nbsap_bp,
        reporting_bp,
        meetings_bp,
        positions_bp,
        directory_bp,
        self_service_bp,
    ):
        app.register_blueprint(blueprint)

    from focalpoints import audit, cli
    from focalpoints.forms import field_attributes, shown_limit, translation_fields
    from focalpoints.notifications import events as notification_events
    from focalpoints.urls import web_address

    app.jinja_env.globals.update(
        field_attributes=field_attributes,
        shown_limit=shown_limit,
        translation_fields=translation_fields,
    )
    app.jinja_env.filters["web_address"] = web_address

    audit.install()
    notification_events.install(app, db.session)
    cli.register(app)
    return app


def _configure_database_url(app: Flask) -> None:
    """Point SQLAlchemy at DATABASE_URL, or at SQLite in the instance folder."""
    if app.config.get("SQLALCHEMY_DATABASE_URI"):
        return
    url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "focalpoints.sqlite3")
    )
    if url.startswith("postgres://"):  # the form many hosting platforms hand out
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url


def _configure_secret_key(app: Flask) -> None:
    """Use the configured key, else one generated once and kept in instance/secret_key."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_hex(32))
    app.config["SECRET_KEY"] = key_file.read_text().strip()

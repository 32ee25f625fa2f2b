"""Backups and restores of the whole database (``focalpoints backup`` / ``restore``).

SQLite uses its online backup API, which copies a consistent snapshot while the app keeps
serving; PostgreSQL uses pg_dump and pg_restore in their custom format.
"""

from __future__ import annotations

import shutil
import sqlite3

# subprocess runs pg_dump and pg_restore only, with fixed arguments.
import subprocess  # nosec B404
from pathlib import Path

from sqlalchemy.engine import make_url

from focalpoints.extensions import db


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def _sqlite_path() -> str:
    return make_url(str(db.engine.url)).database or ""


def _libpq_url() -> str:
    url = make_url(str(db.engine.url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def backup(target: Path) -> str:
    """Write a consistent copy of the database to ``target``."""
    dialect = db.engine.dialect.name
    db.session.remove()
    if dialect == "sqlite":
        with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return f"SQLite database copied to {target}."
    if dialect == "postgresql":
        command = [
            _tool("pg_dump"),
            "--format=custom",
            f"--file={target}",
            f"--dbname={_libpq_url()}",
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
        if result.returncode:
            raise BackupError(result.stderr.strip())
        return f"PostgreSQL database dumped to {target}."
    raise BackupError(f"no backup method for {dialect}")


def restore(source: Path) -> str:
    """Replace the database's content with the backup in ``source``."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    dialect = db.engine.dialect.name
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        with sqlite3.connect(source) as backup_db:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not a sound SQLite database")
            with sqlite3.connect(_sqlite_path()) as live:
                backup_db.backup(live)
            live.close()
        backup_db.close()
        return f"SQLite database restored from {source}."
    if dialect == "postgresql":
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url()}",
            str(source),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
        if result.returncode:
            raise BackupError(result.stderr.strip())
        return f"PostgreSQL database restored from {source}."
    raise BackupError(f"no restore method for {dialect}")

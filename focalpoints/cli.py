"""The ``focalpoints`` command: Flask's CLI bound to the app, plus our commands.

Each command parses its arguments and calls an operation; the logic lives in the operations.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from focalpoints import create_app
from focalpoints.audit import acting_as
from focalpoints.countries.models import Country
from focalpoints.database import writing
from focalpoints.demo_data import load_demo_data
from focalpoints.extensions import db
from focalpoints.focal_points import importing
from focalpoints.initialise import initialise
from focalpoints.maintenance import BackupError, backup, restore
from focalpoints.notifications.operations import NotifyError, notify
from focalpoints.reference import party_lists
from focalpoints.self_service.operations import mail_links
from focalpoints.translations import MAPPING, update_catalogues
from focalpoints.two_factor.operations import encrypt_secrets
from focalpoints.users.operations import (
    UserCreationError,
    create_user_from_cli,
    reset_two_step_from_cli,
)


@click.group(cls=FlaskGroup, create_app=lambda: create_app())
def main() -> None:
    """Manage focalpoints: init, demo-data, users, translations, and Flask's run, db, shell."""


def register(app: Flask) -> None:
    """Attach our commands to the app's CLI."""
    app.cli.add_command(init_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(users_group)
    app.cli.add_command(translations_group)
    app.cli.add_command(import_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(notify_command)
    app.cli.add_command(reference_group)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Apply database migrations and load or refresh the reference data."""

    with writing():
        lines = initialise()
    for line in lines:
        click.echo(line)


@click.command("demo-data")
@click.option(
    "--scale",
    type=click.Choice(["small", "full"]),
    default="small",
    show_default=True,
    help="full: every Party holds every role (about 10,000 people), for benchmarks.",
)
@with_appcontext
def demo_data_command(scale: str) -> None:
    """Fill the database with deterministic demo content and print the demo log-ins."""

    with writing():
        lines = load_demo_data(scale)
    for line in lines:
        click.echo(line)


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "secretariat", "coordinator", "editor"])
)
@click.option(
    "--country", "country_code", help="ISO alpha-2 code; required for coordinators and editors."
)
@click.option("--name", default="", help="Display name.")
@click.option("--language", default=None, help="Preferred interface language (en, fr, es, ...).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(
    email: str,
    role: str,
    country_code: str | None,
    name: str,
    language: str | None,
    password_stdin: bool,
) -> None:
    """Create a user account; without a password, an invitation link is printed instead."""

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        with writing():
            message = create_user_from_cli(email, role, country_code, name, language, password)
            db.session.commit()
    except UserCreationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(message)


@users_group.command("reset-two-step")
@click.argument("email")
@with_appcontext
def reset_two_step_command(email: str) -> None:
    """Remove an account's two-step verification (a lost phone, with no administrator left to
    reset it); its sessions end, and it sets it up again at its next log-in if required."""

    try:
        with writing():
            message = reset_two_step_from_cli(email)
            db.session.commit()
    except UserCreationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(message)


@users_group.command("encrypt-two-step-secrets")
@with_appcontext
def encrypt_two_step_secrets_command() -> None:
    """Encrypt under the current key every authenticator secret stored in clear (before
    encryption) or under a key of TWO_FACTOR_OLD_KEYS, after which the old key can go."""

    with writing():
        count = encrypt_secrets()
        db.session.commit()
    click.echo(f"Authenticator secrets encrypted under the current key: {count}.")


@click.group("translations")
def translations_group() -> None:
    """Keep the message catalogues current."""


@translations_group.command("update")
@click.option("--add", "new_language", help="Start a catalogue for a new language code.")
def translations_update(new_language: str | None) -> None:
    """Extract messages, update every catalogue (or start one) and compile them."""

    if not MAPPING.is_file():  # an installed wheel carries compiled catalogues only
        raise click.ClickException(f"Run this in a checkout of the source code: no {MAPPING}.")
    for line in update_catalogues(new_language):
        click.echo(line)


@click.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("contacts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--country", "country_code", help="ISO alpha-2: every row must be of this country.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@with_appcontext
def import_contacts_command(path: str, country_code: str | None, dry_run: bool) -> None:
    """Import a contact list (CSV, XLSX or InforMEA JSON), row by row."""
    with force_locale("en"), writing(), acting_as("system:import"):
        country = None
        if country_code:
            country = db.session.scalar(select(Country).where(Country.iso2 == country_code.upper()))
            if country is None:
                raise click.ClickException(f"Unknown country code: {country_code}")
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            planned = importing.plan_import(importing.read_contacts(data, path), country)
        except importing.ImportFileError as error:
            raise click.ClickException(str(error)) from error
        counts = None if dry_run else importing.apply_import(planned)
    for row in planned:
        details = "; ".join([*row.errors, *row.warnings])
        click.echo(
            f"row {row.number}: {row.action:<9} {row.label}" + (f" ({details})" if details else "")
        )
    if counts is None:
        click.echo("Dry run: nothing written.")
    else:
        click.echo(", ".join(f"{n} {action}" for action, n in counts.items()))


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Write a consistent backup of the database to PATH (safe while the app runs)."""
    try:
        click.echo(backup(Path(path)))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace the database's content with the backup at PATH."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    try:
        click.echo(restore(Path(path)))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@click.command("notify")
@click.option(
    "--dry-run", is_flag=True, help="Show what would be recorded; write and send nothing."
)
@with_appcontext
def notify_command(dry_run: bool) -> None:
    """Record the notices that are due and mail them, and mail focal points their links (to
    confirm their record, to answer a consultation); run it daily from cron or a timer.

    A second run sends nothing twice; a failed delivery is logged and tried again next time
    (the exit status is then 1).
    """

    if not (
        dry_run or current_app.config.get("BASE_URL") or current_app.debug or current_app.testing
    ):
        raise click.ClickException(
            "Set BASE_URL (FOCALPOINTS_BASE_URL), e.g. https://focalpoints.example.org: "
            "the links in the notices start with it."
        )
    try:
        with acting_as("system:notify"):
            report = notify(dry_run=dry_run)
    except NotifyError as error:
        raise click.ClickException(str(error)) from error
    with acting_as("system:notify"):
        links = mail_links(dry_run=dry_run)
    for line in [*report.lines(), *links.lines()]:
        click.echo(line)
    if report.failed or links.failed:
        sys.exit(1)


@click.group("reference")
def reference_group() -> None:
    """Compare Party lists with the recorded membership, and apply them."""


def _party_list_diff(file: str) -> party_lists.PartyListDiff:
    try:
        result = party_lists.diff_party_list(party_lists.read_party_list(Path(file)))
    except party_lists.PartyListError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Instruments in the file: {', '.join(result.instruments)}")
    for line in result.lines():
        click.echo(line)
    click.echo(
        f"{len(result.added)} to add, {len(result.changed)} to change, "
        f"{len(result.removed)} to remove."
    )
    return result


@reference_group.command("diff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def reference_diff_command(file: str) -> None:
    """Print what applying a Party list (CSV: instrument, country, kind, dates) would change."""
    _party_list_diff(file)


@reference_group.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@with_appcontext
def reference_apply_command(file: str, yes: bool) -> None:
    """Show what a Party list changes, then apply it (audited) once confirmed."""

    with writing():
        result = _party_list_diff(file)
        if result.is_empty:
            click.echo("Nothing to do: the recorded membership matches the file.")
            return
        if not yes:
            click.confirm("Apply these changes?", abort=True)
        with acting_as("system:reference-apply"):
            party_lists.apply_party_list(result, Path(file).name)
        db.session.commit()
    click.echo("Applied.")

"""Backup and restore: a backup taken, data changed, the backup restored, the original back."""

from __future__ import annotations

from sqlalchemy import select

from focalpoints.extensions import db
from focalpoints.focal_points.models import Person


def _names() -> list[str]:
    names = sorted(db.session.scalars(select(Person.family_name)))
    db.session.commit()
    return names


def test_backup_change_restore(app, runner, make_person, tmp_path):
    make_person("KE", family_name="Original")
    backup = tmp_path / "focalpoints.backup"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0
    make_person("KE", family_name="Added later")
    person = db.session.scalar(select(Person).where(Person.family_name == "Original"))
    person.family_name = "Changed"
    db.session.commit()
    assert _names() == ["Added later", "Changed"]
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert _names() == ["Original"]


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path, make_person):
    make_person("KE", family_name="Kept")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert _names() == ["Kept"]


def test_restore_asks_before_replacing_everything(app, runner, tmp_path):
    backup = tmp_path / "b.backup"
    runner.invoke(args=["backup", str(backup)])
    result = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output

"""Data versions (focalpoints/audit/versions.py): raised in the transaction of each write."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from focalpoints.audit.models import AuditEntry, DataVersion
from focalpoints.audit.versions import REFERENCE, REGISTRY
from focalpoints.conventions.models import Convention
from focalpoints.demo_data.bulk import insert_rows
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from focalpoints.reference.snapshot import reference_snapshot, reference_version


def _versions() -> dict[str, int]:
    db.session.rollback()  # a fresh transaction: what is committed
    return dict(db.session.execute(select(DataVersion.scope, DataVersion.version)).all())


def test_a_committed_write_raises_its_scope_once_and_a_rolled_back_one_not(app, make_person):
    before = _versions()
    person = make_person("KE")
    after = _versions()
    assert after[REGISTRY] == before.get(REGISTRY, 0) + 1
    assert after[REFERENCE] == before[REFERENCE]
    person = db.session.get(Person, person.id)
    person.family_name = "Changed"
    db.session.flush()
    person.given_names = "Twice"
    db.session.flush()
    db.session.rollback()
    assert _versions() == after
    person = db.session.get(Person, person.id)
    person.family_name = "Changed"
    db.session.flush()
    person.given_names = "Twice"
    db.session.commit()  # two flushes, one transaction: one step
    assert _versions()[REGISTRY] == after[REGISTRY] + 1


def test_bulk_writes_raise_the_version_too(app, country):
    before = _versions()
    kenya = country("KE")
    db.session.execute(
        insert(Person),
        [{"country_id": kenya.id, "family_name": "Bulk", "given_names": "One", "kind": "person"}],
    )
    db.session.commit()
    assert _versions()[REGISTRY] == before.get(REGISTRY, 0) + 1
    # The full-scale data's bulk rows (a copy on PostgreSQL, Core on the table elsewhere).
    insert_rows(Person, [{"country_id": kenya.id, "family_name": "Bulk", "given_names": "Two"}])
    db.session.commit()
    assert _versions()[REGISTRY] == before.get(REGISTRY, 0) + 2


def test_pruning_the_audit_log_does_not_take_the_reference_version_back(app):
    """Issue 19.6: the version was a count of audit rows, which fell when the log was pruned,
    so that a process could keep an outdated snapshot whose version came round again."""
    reference_snapshot()
    before = reference_version()
    db.session.execute(delete(AuditEntry))
    db.session.commit()
    convention = db.session.scalars(select(Convention).where(Convention.code == "CMS")).one()
    convention.names = {**convention.names, "en": "Pruned and renamed"}
    db.session.commit()
    db.session.rollback()
    assert reference_version() > before
    cms = next(c for c in reference_snapshot().conventions if c.code == "CMS")
    assert cms.names["en"] == "Pruned and renamed"

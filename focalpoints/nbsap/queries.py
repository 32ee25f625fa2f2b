"""Loading NBSAP records for pages and reports, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from focalpoints.audit.models import AuditEntry
from focalpoints.audit.queries import trail
from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.frameworks.models import ElementKind, Framework, FrameworkElement
from focalpoints.nbsap.models import (
    DEGREE_RANK,
    Alignment,
    NationalTarget,
    Nbsap,
    TargetKind,
    pick_text,
)


def nbsaps_of(country: Country) -> list[Nbsap]:
    """The country's NBSAPs, newest period first (one query)."""
    return list(
        db.session.scalars(
            select(Nbsap)
            .where(Nbsap.country_id == country.id, Nbsap.deleted_at.is_(None))
            .order_by(Nbsap.start_year.desc(), Nbsap.id.desc())
        )
    )


def nbsap_of(country: Country, nbsap_id: int) -> Nbsap | None:
    """An NBSAP of ``country`` not deleted, or None."""
    nbsap = db.session.get(Nbsap, nbsap_id)
    if nbsap is None or nbsap.country_id != country.id or nbsap.deleted_at is not None:
        return None
    return nbsap


def _target_options() -> list:
    return [
        selectinload(NationalTarget.alignments)
        .joinedload(Alignment.element)
        .joinedload(FrameworkElement.framework),
        selectinload(NationalTarget.conventions),
        selectinload(NationalTarget.responsible),
    ]


def targets_of(
    country: Country, nbsap: Nbsap | None = None, deleted: bool = False
) -> list[NationalTarget]:
    """The country's national targets and measures with their links (four queries)."""
    condition = (
        NationalTarget.deleted_at.is_not(None) if deleted else NationalTarget.deleted_at.is_(None)
    )
    query = (
        select(NationalTarget)
        .join(Nbsap, NationalTarget.nbsap_id == Nbsap.id)
        .where(NationalTarget.country_id == country.id, condition, Nbsap.deleted_at.is_(None))
        .options(*_target_options())
        .order_by(NationalTarget.code, NationalTarget.id)
    )
    if nbsap is not None:
        query = query.where(NationalTarget.nbsap_id == nbsap.id)
    return list(db.session.scalars(query))


def target_of(country: Country, target_id: int, deleted: bool = False) -> NationalTarget | None:
    """A national target or measure of ``country`` with its links and notes, or None (a deleted
    one only with ``deleted``, and then only a deleted one)."""
    target = db.session.scalar(
        select(NationalTarget)
        .where(NationalTarget.id == target_id, NationalTarget.country_id == country.id)
        .options(
            *_target_options(),
            selectinload(NationalTarget.notes),
            joinedload(NationalTarget.nbsap),
            joinedload(NationalTarget.parent),
        )
    )
    if target is None or target.is_deleted != deleted or target.nbsap.deleted_at is not None:
        return None
    return target


def history(target: NationalTarget) -> list[AuditEntry]:
    """The audit trail of a target, its alignments and its notes, newest first (one query)."""
    return trail(
        {
            "national_targets": [target.id],
            "alignments": [a.id for a in target.alignments],
            "progress_notes": [n.id for n in target.notes],
        }
    )


def nbsap_history(nbsap: Nbsap) -> list[AuditEntry]:
    """The audit trail of an NBSAP record, newest first (one query)."""
    return trail({"nbsaps": [nbsap.id]})


# Frameworks -------------------------------------------------------------------------------------


def active_frameworks() -> list[Framework]:
    """Frameworks in use with their goals and targets (three queries)."""
    return list(
        db.session.scalars(
            select(Framework)
            .where(Framework.is_active)
            .options(selectinload(Framework.elements), selectinload(Framework.conventions))
            .order_by(Framework.sort_order, Framework.code)
        )
    )


def framework_by_code(code: str) -> Framework | None:
    """An active framework with its goals and targets."""
    return db.session.scalar(
        select(Framework)
        .where(Framework.code == code[:40], Framework.is_active)
        .options(selectinload(Framework.elements))
    )


def framework_choices() -> list[Framework]:
    """Frameworks in use, without their goals and targets (one query)."""
    return list(
        db.session.scalars(
            select(Framework)
            .where(Framework.is_active)
            .order_by(Framework.sort_order, Framework.code)
        )
    )


@dataclass(frozen=True, slots=True)
class MatrixTarget:
    """A national target or measure as a row of the matrix shows it."""

    id: int
    code: str
    titles: dict[str, str]
    language: str

    def shown_title(self) -> tuple[str, str]:
        """(language, title) in the reader's language if written in it, else the original."""
        return pick_text(self.titles, self.language)


@dataclass
class Matrix:
    """National targets against a framework's global targets; cells hold the degree."""

    framework: Framework
    targets: list[MatrixTarget]
    columns: list[FrameworkElement]
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    best: dict[int, str] = field(default_factory=dict)

    @property
    def uncovered(self) -> list[FrameworkElement]:
        """Global targets that no national target covers."""
        return [element for element in self.columns if element.id not in self.best]

    def key(self) -> Hashable:
        """All that the matrix shows, in the reader's language: equal keys, equal matrices."""
        return (
            tuple((e.id, e.code, e.title) for e in self.columns),
            tuple((t.id, t.code, t.shown_title()) for t in self.targets),
            tuple(sorted(self.cells.items())),
        )


def alignment_matrix(country: Country, framework: Framework) -> Matrix:
    """Build the alignment matrix of ``country`` against ``framework`` (three queries: the
    framework's elements, then the country's targets and their alignments as plain columns,
    since a row shows only a target's code and title)."""
    columns = alignable(framework)
    matrix = Matrix(framework=framework, targets=[], columns=columns)
    live = (
        select(NationalTarget.id)
        .join(Nbsap, NationalTarget.nbsap_id == Nbsap.id)
        .where(
            NationalTarget.country_id == country.id,
            NationalTarget.deleted_at.is_(None),
            Nbsap.deleted_at.is_(None),
        )
    )
    aligned: dict[int, list[tuple[int, str]]] = {}
    for target_id, element_id, degree in db.session.execute(
        select(Alignment.national_target_id, Alignment.element_id, Alignment.degree)
        .where(
            Alignment.national_target_id.in_(live.scalar_subquery()),
            Alignment.element_id.in_([e.id for e in columns]),
        )
        .order_by(Alignment.id)
    ):
        aligned.setdefault(target_id, []).append((element_id, degree))
    rows = db.session.execute(
        select(
            NationalTarget.id,
            NationalTarget.code,
            NationalTarget.kind,
            NationalTarget.titles,
            NationalTarget.language,
        )
        .where(NationalTarget.id.in_(live.scalar_subquery()))
        .order_by(NationalTarget.code, NationalTarget.id)
    )
    for target_id, code, kind, titles, language in rows:
        links = aligned.get(target_id, [])
        if kind == TargetKind.MEASURE.value and not links:
            continue  # measures appear only where they align themselves
        matrix.targets.append(MatrixTarget(target_id, code, titles, language))
        for element_id, degree in links:
            matrix.cells[(target_id, element_id)] = degree
            best = matrix.best.get(element_id)
            if best is None or DEGREE_RANK[degree] > DEGREE_RANK[best]:
                matrix.best[element_id] = degree
    return matrix


# For reports per convention -------------------------------------------------------------------


def measures_for_convention(country: Country, convention: Convention) -> list[NationalTarget]:
    """The country's national targets and measures that serve ``convention``: tagged with it
    directly, or aligned with a target of a framework that belongs to it (fixed queries).

    The lead's per-convention reporting pack calls this.
    """
    framework_ids = set(
        db.session.scalars(
            select(Framework.id).where(Framework.conventions.any(Convention.id == convention.id))
        )
    )
    found = []
    for target in targets_of(country):
        direct = any(c.id == convention.id for c in target.conventions)
        through = any(a.element.framework_id in framework_ids for a in target.alignments)
        if direct or through:
            found.append(target)
    return found


def measures_by_convention(country: Country) -> dict[int, list[NationalTarget]]:
    """For every convention id, the country's targets and measures that serve it."""
    links = db.session.execute(
        select(Framework.id, Convention.id).join(Framework.conventions)
    ).all()
    conventions_of_framework: dict[int, set[int]] = {}
    for framework_id, convention_id in links:
        conventions_of_framework.setdefault(framework_id, set()).add(convention_id)
    grouped: dict[int, list[NationalTarget]] = {}
    for target in targets_of(country):
        served = {c.id for c in target.conventions}
        for alignment in target.alignments:
            served |= conventions_of_framework.get(alignment.element.framework_id, set())
        for convention_id in served:
            grouped.setdefault(convention_id, []).append(target)
    return grouped


def alignable(framework: Framework) -> list[FrameworkElement]:
    """What national targets align with: the framework's targets, or its goals if it has none."""
    targets = [e for e in framework.elements if e.kind == ElementKind.TARGET.value]
    return targets or [e for e in framework.elements if e.kind == ElementKind.GOAL.value]


def element_choices() -> list[tuple[Framework, list[FrameworkElement]]]:
    """The alignable elements of the frameworks in use, per framework."""
    return [(framework, alignable(framework)) for framework in active_frameworks()]

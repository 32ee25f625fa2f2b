"""Who may do what: pure predicates, also available to templates so they hide what views forbid."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import current_user

from focalpoints.auth.models import UserRole
from focalpoints.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def _role(user: Any) -> UserRole | None:
    if user is None or not user.is_authenticated:
        return None
    return user.user_role


def is_admin(user: Any) -> bool:
    """Administrators may do everything."""
    return _role(user) is UserRole.ADMIN


def sees_all_countries(user: Any) -> bool:
    """The Secretariat and administrators see every country's records."""
    return _role(user) in (UserRole.ADMIN, UserRole.SECRETARIAT)


def can_view_country(user: Any, country: Any) -> bool:
    """Any logged-in official may open any country's overview (private records are filtered)."""
    return _role(user) is not None


def belongs_to(user: Any, country: Any) -> bool:
    """Whether ``user`` is a national official of ``country``."""
    role = _role(user)
    return role is not None and role.is_national and user.country_id == country.id


def can_edit_country(user: Any, country: Any) -> bool:
    """Administrators and the country's own coordinators and editors change its records."""
    return is_admin(user) or belongs_to(user, country)


def sees_all_people_of(user: Any, country_id: int) -> bool:
    """Whether ``user`` reads every person of the country, restricted ones included: the
    Secretariat and administrators, and the country's own officials."""
    role = _role(user)
    return role in (UserRole.ADMIN, UserRole.SECRETARIAT) or (
        role is not None and role.is_national and user.country_id == country_id
    )


def can_view_person(user: Any, person: Any) -> bool:
    """Public and registered-users records are a shared directory; restricted ones stay home."""
    if sees_all_people_of(user, person.country_id):
        return True
    if person.visibility == "public":
        return True
    return person.visibility == "registered" and _role(user) is not None


def can_view_appointment(user: Any, appointment: Any) -> bool:
    """An appointment is seen by those who may see its holder."""
    return can_view_person(user, appointment.person)


def can_restore_records(user: Any, country: Any) -> bool:
    """Administrators and the country's coordinators restore deleted people and merge them."""
    return is_admin(user) or (_role(user) is UserRole.COORDINATOR and belongs_to(user, country))


def can_review_changes(user: Any, country: Any) -> bool:
    """Changes focal points propose to their own records are approved by the country's
    coordinators (and administrators); they also see who was asked to confirm, and when."""
    return is_admin(user) or (_role(user) is UserRole.COORDINATOR and belongs_to(user, country))


def can_import(user: Any, country: Any) -> bool:
    """Contact lists are imported by the Secretariat and administrators for any country, and by
    coordinators for their own."""
    return sees_all_countries(user) or (
        _role(user) is UserRole.COORDINATOR and belongs_to(user, country)
    )


def can_acknowledge(user: Any) -> bool:
    """The Secretariat (and administrators) acknowledge officially notified designations."""
    return _role(user) in (UserRole.ADMIN, UserRole.SECRETARIAT)


def can_draft_letters(user: Any, country: Any) -> bool:
    """Designation letters are drafted by the country's officials, the Secretariat and
    administrators, who all read every person of the country."""
    return sees_all_countries(user) or belongs_to(user, country)


def can_view_working_group(user: Any, country: Any) -> bool:
    """A working group, its members and meeting dates: the country and the Secretariat."""
    return sees_all_countries(user) or belongs_to(user, country)


def can_edit_working_group(user: Any, country: Any) -> bool:
    """The country's coordinators and editors (and administrators) keep its working group."""
    return can_edit_country(user, country)


def can_read_group_papers(user: Any, group: Any) -> bool:
    """Minutes, decisions, actions and documents stay with the country (and administrators),
    and go to the Secretariat only when the country shares them."""
    if is_admin(user) or belongs_to(user, group.country):
        return True
    return _role(user) is UserRole.SECRETARIAT and bool(group.papers_shared)


def can_read_calendar_feed(user: Any, feed: Any) -> bool:
    """A personal calendar link reads for its own user while they keep the view it was made for:
    their country's working group and reports, or every country's for the Secretariat."""
    if _role(user) is None or feed.user_id != user.id:
        return False
    if feed.country_id is None:
        return sees_all_countries(user)
    return _role(user).is_national and user.country_id == feed.country_id


def can_manage_users(user: Any) -> bool:
    """Administrators manage all accounts; coordinators those of their country."""
    return is_admin(user) or _role(user) is UserRole.COORDINATOR


def can_manage_user(user: Any, target: Any) -> bool:
    """Whether ``user`` may change the account ``target``."""
    if is_admin(user):
        return True
    return (
        _role(user) is UserRole.COORDINATOR
        and target.user_role.is_national
        and target.country_id == user.country_id
    )


def assignable_roles(user: Any) -> list[UserRole]:
    """The roles ``user`` may give to accounts they invite or edit."""
    if is_admin(user):
        return list(UserRole)
    if _role(user) is UserRole.COORDINATOR:
        return [UserRole.COORDINATOR, UserRole.EDITOR]
    return []


def can_edit_reference_data(user: Any) -> bool:
    """Conventions, roles, countries and memberships are kept by administrators."""
    return is_admin(user)


def can_view_nbsap(user: Any, country: Any) -> bool:
    """An NBSAP is a public policy document: every logged-in official reads it."""
    return _role(user) is not None


def can_edit_nbsap(user: Any, country: Any) -> bool:
    """The country's coordinators and editors (and administrators) keep its NBSAP."""
    return can_edit_country(user, country)


def can_edit_frameworks(user: Any) -> bool:
    """Target frameworks are kept by administrators and the Secretariat."""
    return _role(user) in (UserRole.ADMIN, UserRole.SECRETARIAT)


def can_edit_deadlines(user: Any) -> bool:
    """National report deadlines are kept by administrators and the Secretariat."""
    return _role(user) in (UserRole.ADMIN, UserRole.SECRETARIAT)


def can_view_report_statuses(user: Any, country: Any) -> bool:
    """A country's progress on its reports is seen by the country and the Secretariat."""
    return sees_all_countries(user) or belongs_to(user, country)


def can_set_report_status(user: Any, country: Any) -> bool:
    """The country's coordinators and editors (and administrators) record their reports."""
    return can_edit_country(user, country)


def can_edit_catalogues(user: Any) -> bool:
    """Meetings, agenda items and cross-cutting issues are kept by the Secretariat and admins."""
    return _role(user) in (UserRole.ADMIN, UserRole.SECRETARIAT)


def can_read_positions(user: Any, country: Any) -> bool:
    """A country's positions page opens to the country, the Secretariat and administrators.

    The Secretariat reads only the positions the country has shared (and counts of the others);
    other countries' officials never reach the page.
    """
    return sees_all_countries(user) or belongs_to(user, country)


def sees_private_positions(user: Any, country: Any) -> bool:
    """Negotiating positions not shared are read by the country itself and administrators."""
    return is_admin(user) or belongs_to(user, country)


def can_read_position(user: Any, position: Any) -> bool:
    """Whether ``user`` may read this position (its text, status and consultation)."""
    if sees_private_positions(user, position.country):
        return True
    return _role(user) is UserRole.SECRETARIAT and position.shared and not position.is_deleted


def can_edit_positions(user: Any, country: Any) -> bool:
    """The country's coordinators and editors (and administrators) write its positions."""
    return can_edit_country(user, country)


def require(predicate: Callable[[Any], bool]) -> Callable[[F], F]:
    """Decorate a view: anonymous users go to log-in, others without permission get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def init_app(app: Flask) -> None:
    """Expose the predicates to templates."""
    app.jinja_env.globals.update(
        is_admin=is_admin,
        sees_all_countries=sees_all_countries,
        can_edit_country=can_edit_country,
        can_manage_users=can_manage_users,
        can_manage_user=can_manage_user,
        can_edit_reference_data=can_edit_reference_data,
        can_view_person=can_view_person,
        can_restore_records=can_restore_records,
        can_acknowledge=can_acknowledge,
        can_draft_letters=can_draft_letters,
        can_import=can_import,
        can_view_working_group=can_view_working_group,
        can_edit_working_group=can_edit_working_group,
        can_read_group_papers=can_read_group_papers,
        can_read_calendar_feed=can_read_calendar_feed,
        can_view_nbsap=can_view_nbsap,
        can_edit_nbsap=can_edit_nbsap,
        can_edit_frameworks=can_edit_frameworks,
        can_edit_deadlines=can_edit_deadlines,
        can_view_report_statuses=can_view_report_statuses,
        can_set_report_status=can_set_report_status,
        can_edit_catalogues=can_edit_catalogues,
        can_read_positions=can_read_positions,
        sees_private_positions=sees_private_positions,
        can_edit_positions=can_edit_positions,
    )

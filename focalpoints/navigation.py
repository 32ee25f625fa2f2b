"""The main menus, rendered once per kind of reader and language, for every page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_login import current_user
from markupsafe import Markup

from focalpoints import permissions
from focalpoints.fragments import render_fragment
from focalpoints.reference.snapshot import reference_version

TEMPLATE = "partials/menus.html"


@dataclass(frozen=True, slots=True)
class Menus:
    """What the menus offer the reader: each entry that depends on a permission names it."""

    edit_reference_data: bool
    manage_users: bool
    sees_all_countries: bool
    acknowledge: bool

    @classmethod
    def of(cls, user: Any) -> Menus:
        return cls(
            edit_reference_data=permissions.can_edit_reference_data(user),
            manage_users=permissions.can_manage_users(user),
            sees_all_countries=permissions.sees_all_countries(user),
            acknowledge=permissions.can_acknowledge(user),
        )


def navigation_menus() -> Markup:
    """The menus for the logged-in reader (their own country's pages first, if they have one).

    Keyed by the reader's country and the reference data's version (its name may change), so
    the country is loaded only to render: most pages need no query for the menus.
    """
    user = current_user._get_current_object()
    menus = Menus.of(user)

    def context() -> dict[str, Any]:
        country = user.country
        return {
            "own": country.iso2 if country else None,
            "own_name": country.name if country else None,
            "menus": menus,
        }

    return render_fragment(
        TEMPLATE, ("menus", user.country_id, reference_version(), menus), context
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["navigation_menus"] = navigation_menus

"""The country list and each country's overview."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.countries import queries
from focalpoints.countries.labels import (
    MEA_REGIONS,
    member_label,
    membership_kind_label,
    non_member_label,
    region_label,
    requirement_label,
)
from focalpoints.countries.loading import load_country_record
from focalpoints.countries.overview import TEMPLATE as OVERVIEW
from focalpoints.countries.overview import prepare_overview
from focalpoints.fragments import render_fragment
from focalpoints.i18n import territory_name
from focalpoints.pages import render_page
from focalpoints.reference.snapshot import reference_snapshot
from focalpoints.urls import home_url

bp = Blueprint("countries", __name__)


@bp.app_context_processor
def _labels() -> dict:
    return {
        "region_label": region_label,
        "membership_kind_label": membership_kind_label,
        "member_label": member_label,
        "non_member_label": non_member_label,
        "requirement_label": requirement_label,
        "territory_name": territory_name,
        "country_name": queries.country_name,
    }


@bp.get("/")
@login_required
def home() -> Response:
    """Send users to their landing page."""
    return redirect(home_url(current_user))


@bp.get("/countries")
@login_required
def index() -> str:
    """List countries, searchable by name in the reader's language and filterable by region."""
    search = request.args.get("q", "")[:100]
    region = request.args.get("region", "")
    if region not in MEA_REGIONS:
        region = ""
    reference = reference_snapshot()
    conventions = reference.top_level()  # the instruments under them are on each country's page
    countries = queries.list_countries(search, region)
    today = date.today()
    statuses = {c.id: queries.party_statuses(c, conventions, today) for c in countries}
    return render_template(
        "countries/index.html",
        countries=countries,
        conventions=conventions,
        statuses=statuses,
        search=search,
        region=region,
        regions=MEA_REGIONS,
        as_of=reference.memberships_as_of,
    )


@bp.get("/countries/<code>")
@login_required
def detail(code: str) -> str:
    """Show a country's Party status in each convention and the roles it fills."""
    country = load_country_record(code, can=permissions.can_view_country)
    key, context = prepare_overview(country, current_user._get_current_object())
    return render_page(
        "countries/detail.html",
        key,
        lambda: {"country": country, "overview": render_fragment(OVERVIEW, key, context)},
    )

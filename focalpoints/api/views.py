"""The read API: countries, conventions, focal points (InforMEA's contact shape) and coverage."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from threading import Lock
from typing import Any

from cachetools import LRUCache
from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.api import serializers
from focalpoints.api.openapi import SPEC
from focalpoints.api.tokens import user_for_token
from focalpoints.audit.versions import REFERENCE, REGISTRY, data_versions
from focalpoints.countries.labels import MEA_REGIONS
from focalpoints.countries.queries import active_conventions, list_countries
from focalpoints.coverage.queries import coverage
from focalpoints.exports.filters import ContactFilters, FilterError, parse_filters
from focalpoints.exports.queries import contact_people, feed_rows
from focalpoints.extensions import csrf, db, limiter
from focalpoints.focal_points.importing import TREATIES
from focalpoints.focal_points.models import Person
from focalpoints.i18n import current_language

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
MAX_PER_PAGE = 200
# Beyond any real list; a larger number would overflow the database's integer offset.
MAX_PAGE = 1_000_000
# Contact totals by data version, filters and kind of reader (see _total).
_TOTALS = "focalpoints.api_totals"
_TOTALS_LOCK = Lock()


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_limit)(bp)


@bp.before_request
def _authenticate() -> None:
    """A bearer token acts for its creator; without one, the session's user or anonymous."""
    header = request.headers.get("Authorization", "")
    g.api_user = current_user if current_user.is_authenticated else None
    if header:
        scheme, _, token = header.partition(" ")
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise ApiError(401, "invalid or revoked token")
        g.api_user = user


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> tuple[Response, int]:
    return jsonify(error=error.message), error.status


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[Response, int]:
    return jsonify(error=error.description or error.name), error.code or 500


def _page() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", "1"))
        per_page = int(request.args.get("per_page", "50"))
    except ValueError:
        raise ApiError(400, "page and per_page must be whole numbers") from None
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        raise ApiError(400, f"page must be from 1 to {MAX_PAGE}, per_page from 1 to {MAX_PER_PAGE}")
    return page, per_page


def _paginated(items: list[Any], total: int, page: int, per_page: int) -> Response:
    return jsonify(
        items=items,
        page=page,
        per_page=per_page,
        total=total,
        pages=(total + per_page - 1) // per_page,
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    return jsonify(SPEC)


@bp.get("/countries")
def countries() -> Response:
    """Every country or entity that can be a Party, with its membership periods."""
    page, per_page = _page()
    everyone = list_countries()
    codes = {c.id: c.code for c in active_conventions()}
    chunk = everyone[(page - 1) * per_page : page * per_page]
    items = [serializers.country(c, date.today(), codes) for c in chunk]
    return _paginated(items, len(everyone), page, per_page)


@bp.get("/conventions")
def conventions() -> Response:
    """The conventions and their national roles."""
    items = [serializers.convention(c) for c in active_conventions()]
    return jsonify(items=items, total=len(items))


def _filters() -> ContactFilters:
    try:
        return parse_filters(request.args, g.api_user, own_country_only=False)
    except FilterError as error:
        raise ApiError(400, str(error)) from error


def _cursor_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="focalpoints.api.cursor")


def _position() -> tuple[int, int | None, int | None]:
    """per_page, and where the page starts: after a person id (``cursor``) or, for callers
    written before cursors, at a page number (``page``, deprecated); neither: the first page."""
    try:
        per_page = int(request.args.get("per_page", "50"))
        page = int(request.args["page"]) if "page" in request.args else None
    except ValueError:
        raise ApiError(400, "page and per_page must be whole numbers") from None
    if not 1 <= per_page <= MAX_PER_PAGE or (page is not None and not 1 <= page <= MAX_PAGE):
        raise ApiError(400, f"page must be from 1 to {MAX_PAGE}, per_page from 1 to {MAX_PER_PAGE}")
    cursor = request.args.get("cursor")
    if cursor is None:
        return per_page, None, page
    if page is not None:
        raise ApiError(400, "give either cursor or page, not both")
    try:
        after = _cursor_signer().loads(cursor[:200])
    except BadData:
        after = None
    if not isinstance(after, list) or len(after) != 1 or type(after[0]) is not int:
        raise ApiError(
            400,
            "invalid cursor: pass the cursor of a previous answer's next link unchanged, "
            "or leave it out to start from the first page",
        )
    return per_page, after[0], None


def _visibility(user: Any) -> Hashable:
    """What decides which contacts ``user`` may read (see exports.queries.visible_to)."""
    if permissions.sees_all_countries(user):
        return "all"
    if user is None or not user.is_authenticated:
        return "public"
    return ("registered", user.country_id)


def _total(filters: ContactFilters, user: Any) -> int:
    """How many contacts the filters give ``user``: counted once per version of the data."""
    versions = data_versions()
    key = (
        versions[REFERENCE],
        versions[REGISTRY],
        filters,
        _visibility(user),
        date.today() if filters.stale else None,
    )
    totals = current_app.extensions[_TOTALS]
    with _TOTALS_LOCK:
        found = totals.get(key)
    if found is None:
        found = db.session.scalar(
            select(func.count()).select_from(
                contact_people(filters, user).order_by(None).subquery()
            )
        )
        with _TOTALS_LOCK:
            totals[key] = found
    return found


@bp.record_once
def _totals_cache(state: Any) -> None:
    state.app.extensions[_TOTALS] = LRUCache(maxsize=1024)


@bp.get("/focal-points")
def focal_points() -> Response:
    """Contacts shaped like InforMEA's contact feed, one per person with their roles, in the
    order of their ids; ``next`` (and the Link header) is the address of the next page."""
    per_page, after, page = _position()
    filters = _filters()
    user = g.api_user
    people = contact_people(filters, user)
    if after is not None:
        people = people.where(Person.id > after)
    if page is not None:
        people = people.offset((page - 1) * per_page)
    # One more than the page holds: whether there is a next page. The ids are read first, so
    # that the rows are found through the index on their person (as a subquery, PostgreSQL
    # planned a scan of every appointment).
    ids = db.session.scalars(people.limit(per_page + 1)).all()
    rows = feed_rows(filters, user, ids, current_language()) if ids else ()
    treaties = {code: treaty for treaty, code in reversed(list(TREATIES.items()))}
    items = serializers.contacts(rows, treaties)
    following = None
    if len(items) > per_page:
        items = items[:per_page]
        args = {k: request.args.getlist(k) for k in request.args if k not in ("page", "cursor")}
        cursor = _cursor_signer().dumps([int(items[-1]["id"])])
        following = url_for("api.focal_points", cursor=cursor, _external=True, **args)
    total = _total(filters, user)
    response = jsonify(
        items=items,
        per_page=per_page,
        total=total,
        pages=(total + per_page - 1) // per_page,
        # The page's number when known (the first, or one asked for by number); by cursor, null.
        page=(page or 1) if after is None else None,
        next=following,
    )
    if following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


@bp.get("/coverage")
def coverage_figures() -> Response:
    """For each convention and required role: Parties with a confirmed, stale or no holder."""
    convention = request.args.get("convention", "").upper()[:20]
    role = request.args.get("role", "").upper()[:40]
    region = request.args.get("region", "")[:40]
    known = active_conventions()
    if convention and convention not in {c.code for c in known}:
        raise ApiError(400, f"unknown convention: {convention}")
    if role and role not in {r.code for c in known for r in c.roles}:
        raise ApiError(400, f"unknown role: {role}")
    if region and region not in MEA_REGIONS:
        raise ApiError(400, f"unknown region: {region}")
    user = g.api_user
    only = None
    if user is not None and not permissions.sees_all_countries(user):
        only = user.country
    report = coverage(region, convention, role, only)
    items = [
        {
            "convention": r.convention.code,
            "role": r.role.code,
            "parties": r.parties,
            "filled": r.filled,
            "stale": r.stale,
            "vacant": r.vacant,
            "missing": [c.iso2 for c in r.missing],
        }
        for r in report.roles
    ]
    return jsonify(items=items, total=len(items))

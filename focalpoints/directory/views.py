"""The public directory: countries, each country's public focal points, an instrument's list
across countries, a country's InforMEA feed, robots.txt and the sitemap. No log-in, no cookie,
the same response for every reader of a language, cached by browsers and proxies."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from focalpoints.countries.labels import MEA_REGIONS
from focalpoints.countries.queries import list_countries, party_statuses
from focalpoints.directory import feed, queries
from focalpoints.extensions import limiter
from focalpoints.fragments import fragment_cache
from focalpoints.i18n import current_language
from focalpoints.reference.snapshot import ReferenceSnapshot, reference_snapshot
from focalpoints.security import public_page
from focalpoints.urls import absolute_url, external_url

bp = Blueprint("directory", __name__)
# Browsers and proxies may keep a page this long (seconds) before asking again.
MAX_AGE = 300
# Bumped when the pages' shape changes, so that kept copies are not taken for current.
FORMAT = 1


def _limit() -> str:
    return current_app.config["DIRECTORY_RATE_LIMIT"]


limiter.limit(_limit)(bp)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"language_url": language_url}


def language_url(language: str, absolute: bool = False) -> str:
    """This page's address in ``language`` (its ``lang`` argument replaced)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    path = url_for(
        request.endpoint or "directory.index", **(request.view_args or {}), **args, lang=language
    )
    return absolute_url(path) if absolute else path


def _cached(
    version: Any, render: Callable[[], str | Response], mimetype: str | None = None
) -> Response:
    """Answer a conditional request whose ETag still matches with 304 without rendering; else
    send the body kept for the same key, or render it and keep it. The key (and the ETag)
    names everything the response depends on: the data's version, the day (Party status), the
    language and the address. A visitor or crawler without the ETag, or a proxy's first
    request, so costs a lookup, not a rendering."""
    key = (FORMAT, version, date.today().isoformat(), current_language(), request.full_path)
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = make_response(_kept(key, render))
        if mimetype:
            response.mimetype = mimetype
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.vary.add("Accept-Language")
    return response


def _kept(key: tuple[Any, ...], render: Callable[[], str | Response]) -> str | Response:
    """The body rendered for ``key``, from the fragment cache when it holds it."""
    cache = fragment_cache()
    if cache is None:
        return render()
    full_key = ("directory", request.script_root, key)
    body = cache.get(full_key)
    if body is None:
        rendered = render()
        if not isinstance(rendered, str):
            return rendered  # a redirect or an error: never kept
        body = Markup(rendered)  # noqa: S704  # nosec B704  (rendered by Jinja, escaped)
        cache.put(full_key, body)
    return str(body)


def _country_or_404(reference: ReferenceSnapshot, code: str) -> Any:
    country = None
    if len(code) == 2 and code.isascii() and code.isalpha():
        country = reference.country_by_code(code.upper())
    if country is None:
        abort(404)
    return country


@bp.get("/directory")
@public_page
def index() -> Response:
    """Countries with their Party status and search; with ``convention`` (or ``role``), that
    instrument's public focal points across countries."""
    reference = reference_snapshot()
    search = request.args.get("q", "").strip()[:100]
    region = request.args.get("region", "")
    convention = request.args.get("convention", "").upper()
    role_code = request.args.get("role", "").upper()
    if region and region not in MEA_REGIONS:
        abort(404)
    roles = queries.active_roles(reference)
    role = next((r for _i, r in roles.values() if r.code == role_code), None) if role_code else None
    if role_code and role is None:
        abort(404)
    if role is not None and not convention:
        convention = roles[role.id][0].code
    family = reference.family(convention) if convention else ()
    if convention and not family:
        abort(404)
    if role is not None and role.convention_id not in {i.id for i in family}:
        abort(404)
    # The instrument listed: the one named, or the one under it whose role is asked for.
    instruments = (roles[role.id][0],) if role is not None else family[:1]
    version = (reference.version, queries.directory_version())

    def render() -> str:
        context: dict[str, Any] = {
            "reference": reference,
            "search": search,
            "region": region,
            "regions": MEA_REGIONS,
            "convention": convention,
            "role": role,
            "roles": roles,
            "as_of": reference.memberships_as_of,
        }
        if instruments:
            context["listing"] = queries.instrument_listing(
                reference, instruments, role, region, search
            )
        else:
            conventions = reference.top_level()
            countries = list_countries(search, region)
            today = date.today()
            context.update(
                conventions=conventions,
                countries=countries,
                statuses={c.id: party_statuses(c, conventions, today) for c in countries},
                counts=queries.countries_with_public_contacts(reference),
                contacts=queries.public_contacts(
                    reference, search=search, limit=queries.MAX_SEARCH_RESULTS
                )
                if search
                else [],
            )
        return render_template("directory/index.html", **context)

    return _cached(version, render)


@bp.get("/directory/<code>")
@public_page
def country(code: str) -> Response:
    """A country's public focal points, convention by convention and instrument by instrument."""
    reference = reference_snapshot()
    record = _country_or_404(reference, code)
    if code != record.iso2:
        return _permanent(url_for("directory.country", code=record.iso2, **request.args))
    version = (reference.version, queries.directory_version(record.id))

    def render() -> str:
        contacts = queries.public_contacts(reference, country_ids=[record.id])
        return render_template(
            "directory/country.html",
            country=record,
            sections=queries.country_sections(reference, record, contacts),
            count=len({c.person_id for c in contacts}),
            as_of=reference.memberships_as_of,
        )

    return _cached(version, render)


@bp.get("/directory/<code>.json")
@public_page
def country_json(code: str) -> Response:
    """A country's public focal points as an InforMEA contact feed."""
    reference = reference_snapshot()
    record = _country_or_404(reference, code)
    if code != record.iso2:
        return _permanent(url_for("directory.country_json", code=record.iso2))
    version = (reference.version, queries.directory_version(record.id))

    def render() -> str:
        contacts = queries.public_contacts(reference, country_ids=[record.id])
        document = feed.contact_feed(record, contacts, queries.active_roles(reference))
        return json.dumps(document, ensure_ascii=False, indent=1)

    response = _cached(version, render, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # other Secretariats' sites read it
    return response


@bp.get("/robots.txt")
@public_page
def robots() -> Response:
    """Let crawlers read the public directory, and nothing else."""
    lines = [
        "User-agent: *",
        f"Allow: {url_for('directory.index')}",
        f"Allow: {url_for('static', filename='')}",
        "Disallow: /",
        f"Sitemap: {external_url('directory.sitemap')}",
        "",
    ]
    response = make_response("\n".join(lines))
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@bp.get("/sitemap.xml")
@public_page
def sitemap() -> Response:
    """The directory's pages: its index, each instrument's list and each country listing
    someone, each in every language."""
    reference = reference_snapshot()
    version = (reference.version, queries.directory_version())

    def render() -> str:
        counts = queries.countries_with_public_contacts(reference)
        pages = [("directory.index", {})]
        pages += [("directory.index", {"convention": c.code}) for c in reference.top_level()]
        pages += [
            ("directory.country", {"code": c.iso2})
            for c in reference.sorted_countries("en")
            if counts.get(c.id)
        ]
        languages = current_app.config["LANGUAGES"]
        urls = [
            (
                external_url(endpoint, **args),
                [(lang, external_url(endpoint, **args, lang=lang)) for lang in languages],
            )
            for endpoint, args in pages
        ]
        return render_template("directory/sitemap.xml", urls=urls)

    return _cached(version, render, mimetype="application/xml")


def _permanent(location: str) -> Response:
    response = make_response("", 301)
    response.headers["Location"] = location
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response

"""The OpenAPI 3 description of the read API (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from focalpoints.exports.filters import STATUS_CHOICES
from focalpoints.i18n import NATIVE_NAMES

_PAGE = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    },
]
_CURSOR = [
    {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string", "maxLength": 200},
        "description": "where the page starts: the cursor of the previous answer's next link "
        "(opaque and signed; a changed one is refused with 400). Pages follow each other in "
        "the order of the contacts' ids, so contacts added meanwhile come at the end and none "
        "is seen twice. Without it, the first page.",
    },
    {
        **_PAGE[0],
        "deprecated": True,
        "description": "page number, for callers written before cursors: slower on far pages, "
        "and contacts added meanwhile shift the pages; follow next instead",
    },
    _PAGE[1],
]
_TEXT = {"type": "string", "maxLength": 40}
_FILTERS = [
    {
        "name": "convention",
        "in": "query",
        "schema": _TEXT,
        "description": "CMS, CBD, CITES, RAMSAR",
    },
    {
        "name": "role",
        "in": "query",
        "schema": _TEXT,
        "description": "role code, such as CMS-NFP (each instrument's roles: /api/v1/conventions)",
    },
    {"name": "region", "in": "query", "schema": _TEXT, "description": "CMS/CITES region"},
    {"name": "country", "in": "query", "schema": _TEXT, "description": "ISO 3166-1 alpha-2"},
    {
        "name": "status",
        "in": "query",
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string", "enum": list(STATUS_CHOICES)}},
        "description": "designation statuses, repeatable (status=proposed&status=notified); "
        "without it, notified and acknowledged (current focal points as the Secretariats count "
        "them); all: every status",
    },
    {
        "name": "stale",
        "in": "query",
        "schema": {"type": "string", "enum": ["yes"]},
        "description": "yes: only holders not confirmed for a year",
    },
    {"name": "language", "in": "query", "schema": {"type": "string", "enum": list(NATIVE_NAMES)}},
]
_ERROR = {
    "description": "Bad request",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}},
                "required": ["error"],
            }
        }
    },
}
_UNAUTHORISED = {**_ERROR, "description": "Invalid or revoked token"}
_NULLABLE_TEXT = {"type": ["string", "null"]}


def _list(item: dict[str, Any], paged: bool = True, cursor: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "items": {"type": "array", "items": item},
        "total": {"type": "integer"},
    }
    if paged:
        properties |= {
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
        }
    if cursor:
        properties |= {
            "page": {
                "type": ["integer", "null"],
                "description": "the page's number: 1 for the first, or the one asked for "
                "(deprecated); null for a page reached by cursor",
            },
            "next": {
                "type": ["string", "null"],
                "description": "the address of the next page (also in the Link header), "
                "null on the last",
            },
        }
    return {
        "description": "OK",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": properties, "required": list(properties)}
            }
        },
    }


_COUNTRY = {
    "type": "object",
    "required": ["iso2", "iso3", "name", "memberships"],
    "properties": {
        "iso2": {"type": "string"},
        "iso3": {"type": "string"},
        "m49": _NULLABLE_TEXT,
        "name": {"type": "string", "description": "UN short name in the request's language"},
        "names": {
            "type": "object",
            "description": "UN short name per UN language (ar, zh, en, fr, ru, es)",
            "additionalProperties": {"type": "string"},
        },
        "formal_names": {
            "type": "object",
            "description": "UN formal name per UN language, without its article",
            "additionalProperties": {"type": "string"},
        },
        "kind": {"type": "string"},
        "region": _NULLABLE_TEXT,
        "subregion": _NULLABLE_TEXT,
        "mea_region": {"type": "string"},
        "memberships": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "convention": {
                        "type": "string",
                        "description": "The instrument's code (CMS, AEWA, CARTAGENA ...)",
                    },
                    "kind": {"type": "string"},
                    "instrument": {"type": "string", "description": "The same as kind"},
                    "signed": _NULLABLE_TEXT,
                    "deposited": _NULLABLE_TEXT,
                    "entry_into_force": _NULLABLE_TEXT,
                    "ended": _NULLABLE_TEXT,
                    "is_party": {"type": "boolean"},
                    "confirmed": {"type": "boolean"},
                    "source": _NULLABLE_TEXT,
                },
            },
        },
    },
}
_CONVENTION = {
    "type": "object",
    "required": ["code", "names", "roles"],
    "properties": {
        "code": {"type": "string"},
        "kind": {"type": "string"},
        "parent": _NULLABLE_TEXT,
        "membership_as_of": _NULLABLE_TEXT,
        "published_total": {"type": ["integer", "null"]},
        "names": {"type": "object"},
        "acronyms": {"type": "object"},
        "website": _NULLABLE_TEXT,
        "roles": {"type": "array", "items": {"type": "object"}},
    },
}
_CONTACT = {
    "type": "object",
    "required": ["id", "country", "treaties", "roles"],
    "properties": {
        "id": {"type": "string"},
        "country": {"type": "string"},
        "prefix": {"type": "string"},
        "firstName": {"type": "string"},
        "lastName": {"type": "string"},
        "position": {"type": "string"},
        "institution": {"type": "string"},
        "department": {"type": "string"},
        "address": {"type": "string"},
        "email": {"type": "string"},
        "phoneNumber": {"type": "string"},
        "fax": {"type": "string"},
        "primary": {"type": "integer"},
        "updated": {"type": "string"},
        "treaties": {"type": "array", "items": {"type": "string"}},
        "roles": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "treaty": {"type": "string"},
                    "roles": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}
_COVERAGE = {
    "type": "object",
    "properties": {
        "convention": {"type": "string"},
        "role": {"type": "string"},
        "parties": {"type": "integer"},
        "filled": {"type": "integer"},
        "stale": {"type": "integer"},
        "vacant": {"type": "integer"},
        "missing": {"type": "array", "items": {"type": "string"}},
    },
}


def _get(summary: str, ok: dict[str, Any], parameters: list[Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "security": [{}, {"token": []}],
            "responses": {
                "200": ok,
                "400": _ERROR,
                "401": _UNAUTHORISED,
                "429": {"description": "Too many requests"},
            },
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "focalpoints read API",
        "version": "1",
        "description": (
            "National focal points of the biodiversity conventions. Anonymous callers see "
            "public contacts only; a session or a bearer token reads with its user's rights."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/countries": _get("Countries and their Party status", _list(_COUNTRY), _PAGE),
        "/conventions": _get("Conventions and their roles", _list(_CONVENTION, False), []),
        "/focal-points": _get(
            "Focal points, shaped like InforMEA's contact feed",
            _list(_CONTACT, cursor=True),
            [*_FILTERS, *_CURSOR],
        ),
        "/coverage": _get(
            "Coverage of required roles",
            _list(_COVERAGE, False),
            [p for p in _FILTERS if p["name"] in ("convention", "role", "region")],
        ),
    },
}

"""Whole pages rendered once per content, reader and address, their CSRF tokens filled in.

A page that many officials open again and again (a country's page) is kept whole: its key is the
body's key (the records it shows, see :mod:`focalpoints.fragments`) together with
:func:`chrome_key`, everything the page around the body shows of the reader (who they are, their
role and country, and what features add to the frame with :func:`add_chrome_part`, such as their
unread notices) and the address (the language switcher sends the reader back to it). The forms
of the page's frame carry the session's CSRF token, which is signed with a time and so differs
between sessions and hours: it is rendered as a hole and filled in for each request. Pages with
messages to flash are rendered afresh, since showing a message consumes it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from focalpoints.fragments import fragment_cache, render_fragment
from focalpoints.reference.snapshot import reference_version

# Where a CSRF token goes in a kept page: a value no page can otherwise contain.
_HOLE = f"csrf-hole-{secrets.token_hex(16)}"
_PARTS = "focalpoints.chrome_parts"


def add_chrome_part(app: Flask, part: Callable[[], Hashable]) -> None:
    """Have ``part()`` (what a feature's piece of the frame shows a logged-in reader, e.g. their
    unread notices) count in every kept page's key."""
    app.extensions.setdefault(_PARTS, []).append(part)


def chrome_key() -> Hashable:
    """All that the frame of a page (base.html and its partials) shows of the reader."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return ("anonymous",)
    return (
        user.id,
        user.display_name,
        user.role,
        user.country_id,
        reference_version(),  # the reader's country's name in the menus
        *(part() for part in current_app.extensions.get(_PARTS, ())),
    )


def render_page(template: str, key: Hashable, context: Callable[[], Mapping[str, Any]]) -> str:
    """Render ``template`` with ``context()``, or reuse the page made for an equal ``key`` for
    the same reader at the same address; ``key`` must determine the context entirely, and the
    template's own content must hold no form (the frame's forms get their tokens here)."""
    if fragment_cache() is None or session.get("_flashes"):
        return render_template(template, **context())
    with _csrf_holes():
        page = render_fragment(template, ("page", request.full_path, chrome_key(), key), context)
    return str(page).replace(_HOLE, generate_csrf())


@contextmanager
def _csrf_holes() -> Iterator[None]:
    g.csrf_holes = True
    try:
        yield
    finally:
        g.pop("csrf_holes", None)


def csrf_token() -> str:
    """The template global ``csrf_token``: the session's token, or its hole in a kept page."""
    return _HOLE if g.get("csrf_holes") else generate_csrf()


def init_app(app: Flask) -> None:
    """Replace Flask-WTF's ``csrf_token`` in templates (it gives it both as a global and from a
    context processor; this one runs after it)."""
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})

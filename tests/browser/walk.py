"""The main pages, walked in a real browser as an administrator, by the page sweep
(tests/browser/test_pages.py) and the accessibility sweep (tests/browser/test_accessibility.py).

Each page must answer 200 with no script or Content-Security-Policy error, and the top bar must
never push the page sideways at a laptop's width. The two sweeps share the walk, so a language
the accessibility sweep covers (English, Arabic) is not walked a second time by the page sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page

from tests.conftest import sample_positions, sample_working_group

PAGES = [
    "/countries",
    "/countries/KE",
    "/countries/KE/people",
    "/countries/KE/people/new",
    "/countries/KE/roles/CMS-SCC/appoint",
    "/countries/KE/import",
    "/coverage",
    "/exports",
    "/api-tokens",
    "/admin/audit",
    "/users",
    "/users/invite",
    "/account",
    "/notices",
    "/account/password",
    "/admin/conventions",
    "/admin/conventions/1/edit",
    "/admin/roles/1/edit",
    "/admin/countries/FR/memberships",
    "/frameworks",
    "/frameworks/GBF",
    "/frameworks/GBF/edit",
    "/countries/KE/nbsap",
    "/countries/KE/nbsap/new",
    "/countries/KE/nbsap/matrix",
    "/reporting",
    "/countries/KE/reporting",
]

# Widths of laptops' screens, where the top bar must wrap or collapse.
LAPTOP_WIDTHS = (1000, 1200, 1280, 1440)


def main_pages(make_appointment: Callable[..., Any]) -> list[str]:
    """Every main page, with a focal point's, a working group's and a position's pages."""
    appointment = make_appointment("CMS-NFP")
    return [
        *PAGES,
        f"/countries/KE/appointments/{appointment.id}",
        f"/countries/KE/people/{appointment.person_id}",
        *sample_working_group().values(),
        *sample_positions().values(),
    ]


def walk(page: Page, urls: list[str], visit: Callable[[str], None]) -> None:
    """Open each of ``urls`` and call ``visit(url)`` on it; then check the bar's widths."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        visit(url)
    assert problems == []
    # The window resized as a user would, without reloading: the page is laid out again.
    page.goto("/countries/KE")
    for width in LAPTOP_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width

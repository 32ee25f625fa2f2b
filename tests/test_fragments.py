"""Parts of pages rendered once and kept (focalpoints/fragments.py): keys name all they show."""

from __future__ import annotations

import re

import pytest

from focalpoints import navigation
from focalpoints.countries import overview
from focalpoints.fragments import render_fragment
from tests.conftest import login

# Each cached template, and every variable it may read: its context, built from its key.
FRAGMENTS = {
    overview.TEMPLATE: {
        "country",
        "conventions",
        "statuses",
        "role_lines",
        "as_of",
        # the reader's permissions, as flags in the key
        "viewer",
        "hidden",
        "stale",
    },
    navigation.TEMPLATE: {"own", "own_name", "menus"},
    "coverage/report.html": {
        "report",
        "filters",
        "errors",
        "all_conventions",
        "level_labels",
        "regions",
        "national",
    },
}
# Context processors' helpers: pure functions of their arguments and the language.
PURE_HELPERS = {"region_label", "instrument_label", "territory_name"}


@pytest.mark.parametrize("template", sorted(FRAGMENTS))
def test_cached_template_reads_only_its_context(app, template):
    """No user, request, session or clock read directly: what the fragment shows is its key."""
    from jinja2 import meta

    source = app.jinja_env.loader.get_source(app.jinja_env, template)[0]
    read = meta.find_undeclared_variables(app.jinja_env.parse(source))
    # The user, request, session and g come from context processors, so they would be listed.
    assert read <= FRAGMENTS[template] | PURE_HELPERS
    assert FRAGMENTS[template] <= read  # the list above stays exact
    # The app's globals are not listed: those that read the user, the session or the clock
    # must not be called.
    stateful = {name for name in app.jinja_env.globals if name.startswith(("can_", "sees_"))}
    stateful |= {"csrf_token", "is_stale", "unread_notices", "current_language"}
    stateful |= {"navigation_menus"}
    for name in stateful:
        assert not re.search(rf"\b{name}\s*\(", source), name


def test_menus_follow_the_reader(app, make_user):
    readers = {
        "admin": make_user(role="admin", country_code=None),
        "secretariat": make_user(role="secretariat", country_code=None),
        "coordinator": make_user(role="coordinator", country_code="KE"),
        "editor": make_user(role="editor", country_code="FR"),
    }
    menus = {}
    for _ in range(2):  # the second round is served from the cache
        for name, user in readers.items():
            client = app.test_client()
            login(client, user)
            page = client.get("/countries").data.decode()
            menus[name] = page.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert "/admin/conventions" in menus["admin"] and "/admin/audit" in menus["admin"]
    assert "/users" in menus["admin"] and "/api-tokens" in menus["admin"]
    assert "/api-tokens" in menus["secretariat"] and "/users" not in menus["secretariat"]
    assert "/admin/" not in menus["secretariat"]
    assert '"/countries/KE"' in menus["coordinator"] and "Kenya" in menus["coordinator"]
    assert "/users" in menus["coordinator"] and "/api-tokens" not in menus["coordinator"]
    assert '"/countries/FR"' in menus["editor"] and "Kenya" not in menus["editor"]
    assert "Administration" not in menus["editor"] and "/users" not in menus["editor"]
    # each reader's log-out form carries their own session's token, never a cached one
    tokens = {re.search(r'name="csrf_token" value="([^"]+)"', m).group(1) for m in menus.values()}
    assert len(tokens) == len(menus)


def test_cache_holds_at_most_its_size_least_recently_used_out_first():
    from markupsafe import Markup

    from focalpoints.fragments import FragmentCache

    cache = FragmentCache(chars=10)
    cache.put("a", Markup("aaaa"))
    cache.put("b", Markup("bbbb"))
    assert cache.get("a") == "aaaa"  # now the most recently used
    cache.put("c", Markup("cccc"))
    assert cache.get("b") is None and cache.get("a") == "aaaa" and cache.get("c") == "cccc"
    assert cache.chars == 8 and len(cache) == 2
    cache.put("huge", Markup("xxxxxxxxxxx"))  # larger than the whole cache: not kept, nothing lost
    assert cache.get("huge") is None and len(cache) == 2
    assert (cache.hits, cache.misses) == (3, 2)


def test_rendering_reuses_only_an_equal_key(app):
    renders = []

    def context(flag):
        def build():
            renders.append(flag)
            return {"own": None, "own_name": None, "menus": navigation.Menus(flag, False, False)}

        return build

    with app.test_request_context("/"):
        first = render_fragment(navigation.TEMPLATE, ("test", True), context(True))
        assert render_fragment(navigation.TEMPLATE, ("test", True), context(True)) == first
        other = render_fragment(navigation.TEMPLATE, ("test", False), context(False))
    assert renders == [True, False]
    assert "/admin/conventions" in first and "/admin/conventions" not in other


def test_language_is_part_of_the_key(app, make_user):
    client = app.test_client()
    login(client, make_user(role="coordinator", country_code="KE"))
    english = client.get("/countries").data.decode()
    french = client.get("/countries", headers={"Accept-Language": "fr"}).data.decode()
    assert ">Coverage<" in english and ">Coverage<" not in french

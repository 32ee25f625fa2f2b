"""Parts of pages rendered once and kept (focalpoints/fragments.py): keys name all they show."""

from __future__ import annotations

import re

import pytest

from focalpoints import navigation
from focalpoints.countries import overview
from focalpoints.fragments import fragment_cache, render_fragment
from focalpoints.nbsap.views import MATRIX_TEMPLATE
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
    MATRIX_TEMPLATE: {"matrix", "country_code", "degree_labels"},
    "coverage/report.html": {
        "report",
        "filters",
        "errors",
        "all_conventions",
        "level_labels",
        "regions",
        "national",
        "map_names",
        "on",
        "today",
    },
}
# Context processors' helpers: pure functions of their arguments and the language.
PURE_HELPERS = {
    "region_label",
    "membership_kind_label",
    "member_label",
    "non_member_label",
    "requirement_label",
    "territory_name",
}


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

    from focalpoints.fragments import FragmentCache, size_in_memory

    one = size_in_memory(Markup("aaaa"))
    cache = FragmentCache(size=2 * one + 10)
    cache.put("a", Markup("aaaa"))
    cache.put("b", Markup("bbbb"))
    assert cache.get("a") == "aaaa"  # now the most recently used
    cache.put("c", Markup("cccc"))
    assert cache.get("b") is None and cache.get("a") == "aaaa" and cache.get("c") == "cccc"
    assert cache.size == 2 * one and len(cache) == 2
    cache.put("huge", Markup("x") * (2 * one))  # larger than the whole cache: not kept
    assert cache.get("huge") is None and len(cache) == 2
    assert (cache.hits, cache.misses) == (3, 2)


def test_cache_counts_bytes_not_characters():
    """Issue 19.6: pages hold Arabic and Chinese (the language switcher), which Python keeps in
    two or four bytes per character, for every character of the page."""
    from markupsafe import Markup

    from focalpoints.fragments import FragmentCache, size_in_memory

    latin = Markup("a") * 1000
    arabic, chinese = Markup("a") * 999 + Markup("ع"), Markup("a") * 999 + Markup("中")
    assert size_in_memory(arabic) > size_in_memory(latin) + 900
    assert size_in_memory(chinese) > size_in_memory(latin) + 900
    cache = FragmentCache(size=3 * size_in_memory(latin))
    for n in range(3):
        cache.put(n, latin)
    assert len(cache) == 3
    cache.put("ar", arabic)  # as much memory as two Latin pages: two go
    assert len(cache) == 2 and cache.size <= 3 * size_in_memory(latin)


def test_rendering_reuses_only_an_equal_key(app):
    renders = []

    def context(flag):
        def build():
            renders.append(flag)
            return {
                "own": None,
                "own_name": None,
                "menus": navigation.Menus(flag, False, False, False),
            }

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


# Whole pages kept (focalpoints/pages.py) ------------------------------------------------------

_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def _log_in_with_csrf(client, user):
    from tests.conftest import PASSWORD

    token = _TOKEN.search(client.get("/login").data.decode()).group(1)
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302


def test_a_kept_page_carries_each_sessions_own_working_csrf_tokens(app_factory, make_user):
    from focalpoints.pages import _HOLE

    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(role="coordinator", country_code="KE")
        first, second = app.test_client(), app.test_client()
        _log_in_with_csrf(first, user)
        _log_in_with_csrf(second, user)  # the same official in another browser
        cache = fragment_cache()
        first.get("/countries/KE")
        hits = cache.hits
        pages = [first.get("/countries/KE").data.decode(), second.get("/countries/KE").data]
        pages[1] = pages[1].decode()
        assert cache.hits == hits + 2  # both served from the kept page
        tokens = [set(_TOKEN.findall(page)) for page in pages]
        assert all(len(t) == 1 for t in tokens) and tokens[0] != tokens[1]
        assert _HOLE not in pages[0] + pages[1]
        # Each session's token works in its own session: the language form, then log-out.
        [token] = tokens[1]
        response = second.post(
            "/language", data={"language": "fr", "next": "/countries/KE", "csrf_token": token}
        )
        assert response.status_code == 302
        assert second.post("/logout", data={"csrf_token": token}).status_code == 302
        assert second.get("/countries/KE").status_code == 302  # logged out
        [token] = tokens[0]
        assert first.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_page_with_a_message_to_flash_is_rendered_afresh(app, client, make_user):
    login(client, make_user(role="coordinator", country_code="KE"))
    client.get("/countries/KE")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Flashed only once")]
    assert "Flashed only once" in client.get("/countries/KE").data.decode()
    assert "Flashed only once" not in client.get("/countries/KE").data.decode()


def test_a_kept_page_shows_the_readers_new_notices_and_name(app, client, make_user):
    from focalpoints.extensions import db
    from focalpoints.notifications.models import Notice

    user = make_user(role="coordinator", country_code="KE", name="First Name")
    login(client, user)
    assert "First Name" in client.get("/countries/KE").data.decode()
    user.name = "Second Name"
    db.session.add(
        Notice(user_id=user.id, kind="vacancies", subject="", key="t", country_id=user.country_id)
    )
    db.session.commit()
    page = client.get("/countries/KE").data.decode()
    assert "Second Name" in page and "First Name" not in page
    assert '<span class="visually-hidden"> unread</span>' in page


def test_a_kept_page_shows_a_new_unread_count_alone(app, client, make_user):
    # The count is the notices feature's part of the frame, added to the key from outside.
    from focalpoints.extensions import db
    from focalpoints.notifications.models import Notice

    user = make_user(role="coordinator", country_code="KE")
    login(client, user)
    assert '<span class="visually-hidden"> unread</span>' not in client.get("/countries/KE").text
    db.session.add(
        Notice(user_id=user.id, kind="vacancies", subject="", key="t", country_id=user.country_id)
    )
    db.session.commit()
    assert '<span class="visually-hidden"> unread</span>' in client.get("/countries/KE").text


# What the frame of every page (base.html and its partials) reads of the reader and the
# request: pages.chrome_key must name all of it. Adding to these lists means adding to the key.
FRAME = ["base.html", "partials/navigation.html", "partials/flashes.html"]
FRAME += ["partials/language_switcher.html"]
FRAME_READS = {"current_user", "request", "direction", "chosen", "unread", "unread_notices"}
FRAME_CALLS = {"url_for", "csrf_token", "unread_notices", "navigation_menus", "current_language"}
FRAME_CALLS |= {"text_direction", "available_languages", "get_flashed_messages", "_", "gettext"}
FRAME_CALLS |= {"ngettext"}
USER_ATTRIBUTES = {"is_authenticated", "display_name", "user_role"}  # user_role: its role


@pytest.mark.parametrize("template", FRAME)
def test_the_frame_reads_only_what_the_page_key_names(app, template):
    from jinja2 import meta

    source = app.jinja_env.loader.get_source(app.jinja_env, template)[0]
    read = meta.find_undeclared_variables(app.jinja_env.parse(source))
    assert read <= FRAME_READS, read - FRAME_READS
    assert set(re.findall(r"\b(\w+)\(", source)) - {"if"} <= FRAME_CALLS
    assert set(re.findall(r"current_user\.(\w+)", source)) <= USER_ATTRIBUTES
    assert set(re.findall(r"request\.(\w+)", source)) <= {"full_path"}
    assert not re.search(r"\bg\.|\bsession\b|\bconfig\b", source)

"""Static files: addressed with their content's digest, kept by browsers for a year."""

from __future__ import annotations

import re

STYLESHEET = re.compile(r'href="(/static/css/app\.css\?v=([0-9a-f]{12}))"')


def test_pages_link_static_files_with_a_digest_that_browsers_keep(client):
    page = client.get("/login").get_data(as_text=True)
    address, _ = STYLESHEET.search(page).groups()
    for script in re.findall(r'<script src="(/static/[^"]+)"', page):
        assert "?v=" in script
    response = client.get(address)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.public


def test_an_address_without_the_current_digest_is_not_kept(client):
    for address in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(address)
        assert response.status_code == 200
        assert not response.cache_control.max_age  # revalidated, as before


def test_a_changed_file_gets_a_new_address(app, tmp_path):
    (tmp_path / "site.css").write_text("body { color: black; }")
    app.static_folder = str(tmp_path)
    with app.test_request_context():
        from flask import url_for

        first = url_for("static", filename="site.css")
        (tmp_path / "site.css").write_text("body { color: navy; }")
        second = url_for("static", filename="site.css")
        missing = url_for("static", filename="missing.css")
        folder = url_for("static", filename="")
    assert first != second and "?v=" in second
    assert missing == "/static/missing.css"
    assert folder == "/static/"


def test_no_file_outside_the_folder_is_read_or_served(client):
    for address in ("/static/../pyproject.toml?v=1", "/static/%2e%2e/%2e%2e/pyproject.toml?v=1"):
        assert client.get(address).status_code == 404

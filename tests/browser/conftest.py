"""Browser journeys: Debian's Chromium driven by Playwright against the app on 127.0.0.1."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use the system's Chromium; never a downloaded browser.

    FOCALPOINTS_TEST_CHROMIUM names another of the system's builds, such as Debian's
    /usr/bin/chromium-headless-shell (a quarter less CPU per page); CI keeps /usr/bin/chromium.
    """
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("FOCALPOINTS_TEST_CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


def _closing_when_dropped(app: Flask) -> Any:
    """The app, its response bodies closed even when the browser drops the connection.

    Werkzeug's development server stops sending a body when the client goes away (Chromium
    cancels a favicon's request when it navigates on) without closing it, so the static file
    behind it was left to the garbage collector, whose ResourceWarning failed the test. The
    body is handed over as a generator whose ``finally`` closes it: when the server drops the
    generator, that runs. Production servers (gunicorn) close bodies themselves.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        body = app(environ, start_response)

        def chunks() -> Iterator[bytes]:
            try:
                yield from body
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

        return chunks()

    return wsgi


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test's app on a free port of 127.0.0.1 for the length of the test."""
    server = make_server("127.0.0.1", 0, _closing_when_dropped(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture
def browser_context_args(live_server: str) -> dict[str, Any]:
    """Each test's browser talks to its own live server, in English unless it switches."""
    return {"base_url": live_server, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def shot(page: Any, request: pytest.FixtureRequest) -> Any:
    """Save a named screenshot of the current page as a test artifact, with --screenshots.

    Without the option nothing is saved: a full-page screenshot of every page in every language
    is most of the browser tests' time, and the checks do not depend on it.
    """
    wanted = request.config.getoption("--screenshots")
    if wanted:
        ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> None:
        if wanted:
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-{name}.png", full_page=True)

    return take


# axe-core's script (about 600 kB), read once.
AXE_SCRIPT = Axe().axe_script


@pytest.fixture
def axe(page: Any) -> Callable[[], list[str]]:
    """A check that runs axe-core on the page's current document: its serious and critical
    violations, each as a line (an empty list: none).

    axe-core is added to every document of the test's browser context before the document's
    own scripts run (as an init script, outside its Content Security Policy): sent to the
    browser once, instead of with every check.
    """
    page.context.add_init_script(script=AXE_SCRIPT)

    def check() -> list[str]:
        violations = page.evaluate(
            "axe.run({resultTypes: ['violations']}).then(results => results.violations)"
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    return check

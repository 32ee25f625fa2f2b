"""The app as the benchmark serves it, plus a bare route: the framework's own limit."""

from __future__ import annotations

import os

from focalpoints import create_app

app = create_app()
_BODY = b"x" * int(os.environ.get("BENCH_BARE_BYTES", "20000"))


@app.get("/_bench/bare")
def bare() -> tuple[bytes, int, dict[str, str]]:
    """A static body of the country page's size, with no database work."""
    return _BODY, 200, {"Content-Type": "text/html; charset=utf-8"}

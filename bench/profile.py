"""Profile single requests in-process, as the performance work of issue 10 did.

    FOCALPOINTS_DATABASE_URL=sqlite:////tmp/perf/db.sqlite \\
        python bench/profile.py /countries/KE [--email E] [--requests 50] [--html FILE]

Uses the database the environment names (build one with ``focalpoints init`` and
``focalpoints demo-data --scale full``), logs in as a demo user through the test client,
warms the caches, then prints the SQL statements of one request, the time per request
(wall and CPU, best of three batches) and a pyinstrument profile of the batch.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FOCALPOINTS_LOG_LEVEL", "WARNING")
os.environ.setdefault("FOCALPOINTS_RATELIMIT_ENABLED", "false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--email", default="secretariat@demo.focalpoints.example")
    parser.add_argument("--password", default="focalpoints-demo")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report")
    options = parser.parse_args()

    from pyinstrument import Profiler
    from sqlalchemy import event

    from bench.wsgi import app
    from focalpoints.extensions import db

    app.config["WTF_CSRF_ENABLED"] = False
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = []  # pages are profiled, not the log-in
    client = app.test_client()
    response = client.post("/login", data={"email": options.email, "password": options.password})
    if response.status_code != 302:
        raise SystemExit(f"log-in failed: {response.status_code}")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    for _ in range(3):
        client.get(options.url)  # warm the caches
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    response = client.get(options.url)
    print(f"{response.status_code}, {len(response.data)} bytes, {len(statements)} queries:")
    for statement in statements:
        print("  ", " ".join(statement.split())[:150])
    batches = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(options.requests):
            client.get(options.url)
        batches.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = (1000 * min(b[i] for b in batches) / options.requests for i in (0, 1))
    print(f"{wall:.1f} ms per request ({cpu:.1f} ms CPU), best of 3 x {options.requests}")
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(options.requests):
            client.get(options.url)
    print(profiler.output_text(color=False))
    if options.html:
        options.html.write_text(profiler.output_html())


if __name__ == "__main__":
    main()

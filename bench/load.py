"""A mixed read and write load of logged-in users, bounded in time, with a lost-write check.

    python bench/load.py [--seconds 20] [--users 8] [--workers 3] [--json FILE]

Serves the app with gunicorn (several workers) on 127.0.0.1 over a SQLite database with the
demo data. Each simulated user loops: mostly reads (country page, people, coverage, an
export), and one time in five a read-modify-write edit of one shared record (append a marker
to its notes, through the real form with its CSRF token and version; a save refused because
someone else saved first is reloaded and tried again, as a person would). At the end every
successful edit's marker must be in the record: the number of lost writes is reported, and
must be zero, as must the number of server errors.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import Session, bench_environment, csrf_token, login, run, serve

COORDINATOR = "coordinator.ke@demo.focalpoints.example"
PASSWORD = "focalpoints-demo"  # noqa: S105 (the demo accounts' password)
READS = [
    "/countries/KE",
    "/countries/KE/people",
    "/coverage?region=africa",
    "/exports/contacts.csv?country=KE",
    "/countries?q=ke",
]


def post(session: Session, url: str, fields: dict[str, str]) -> tuple[int, str]:
    body = urllib.parse.urlencode(fields)
    session.connection.request(
        "POST",
        url,
        body=body,
        headers={"Cookie": session.cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = session.connection.getresponse()
    text = response.read().decode(errors="replace")
    _keep_cookie(session, response)
    return response.status, response.getheader("Location", "") or text


def get_text(session: Session, url: str) -> tuple[int, str]:
    session.connection.request("GET", url, headers={"Cookie": session.cookie})
    response = session.connection.getresponse()
    text = response.read().decode(errors="replace")
    _keep_cookie(session, response)
    return response.status, text


def _keep_cookie(session: Session, response: object) -> None:
    # The session cookie changes when the server stores a form's CSRF token in it.
    cookie = response.getheader("Set-Cookie")  # type: ignore[attr-defined]
    if cookie:
        session.cookie = cookie.split(";")[0]


def edit_once(session: Session, person_url: str, marker: str) -> str:
    """Append ``marker`` to the shared record's notes; 'ok', 'conflict' or 'error'."""
    status, page = get_text(session, person_url + "/edit")
    if status != 200:
        return "error"
    version = re.search(r'name="version"[^>]*value="(\d+)"', page)
    notes = re.search(r'<textarea[^>]*id="notes"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    if version is None or notes is None:
        return "error"
    fields = {
        "csrf_token": csrf_token(page),
        "version": version.group(1),
        "kind": "person",
        "family_name": "Shared record",
        "visibility": "registered",
        "notes": html.unescape(notes.group(1)) + marker + ";",
    }
    status, location = post(session, person_url + "/edit", fields)
    if status == 302 and location.endswith("/edit"):
        return "conflict"  # someone saved first: nothing of ours was written
    return "ok" if status == 302 else "error"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()

    env = bench_environment("load")
    run("init", env=env)
    run("demo-data", env=env)
    server, port = serve(env, options.workers)
    latencies: list[float] = []
    outcomes = {"ok": 0, "conflict": 0, "error": 0}
    markers: list[str] = []
    server_errors = 0
    lock = threading.Lock()
    try:
        admin = Session(port, login(port, COORDINATOR, PASSWORD))
        _status, page = get_text(admin, "/countries/KE/people/new")
        _status, location = post(
            admin,
            "/countries/KE/people/new",
            {
                "csrf_token": csrf_token(page),
                "version": "0",
                "kind": "person",
                "family_name": "Shared record",
                "visibility": "registered",
                "notes": "",
                "confirm_new": "y",
            },
        )
        person_url = urllib.parse.urlsplit(location).path
        deadline = time.monotonic() + options.seconds

        def user(number: int) -> None:
            nonlocal server_errors
            rng = random.Random(number)  # noqa: S311 (load pattern, not security)
            session = Session(port, login(port, COORDINATOR, PASSWORD))
            count = 0
            while time.monotonic() < deadline:
                started = time.perf_counter()
                if rng.random() < 0.2:
                    marker = f"u{number}-{count}"
                    result = edit_once(session, person_url, marker)
                    while result == "conflict" and time.monotonic() < deadline:
                        with lock:
                            outcomes["conflict"] += 1
                        result = edit_once(session, person_url, marker)
                    with lock:
                        if result != "conflict":
                            outcomes[result] += 1
                        if result == "ok":
                            markers.append(marker)
                    count += 1
                else:
                    status, _ = session.get(rng.choice(READS))
                    if status >= 500:
                        with lock:
                            server_errors += 1
                with lock:
                    latencies.append(time.perf_counter() - started)

        threads = [threading.Thread(target=user, args=(n,)) for n in range(options.users)]
        begun = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - begun
        _status, page = get_text(admin, person_url + "/edit")
        notes = re.search(r'<textarea[^>]*id="notes"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
        saved = set(filter(None, html.unescape(notes.group(1) if notes else "").split(";")))
    finally:
        server.terminate()
        server.wait(10)
    latencies.sort()
    report = {
        "seconds": round(duration, 1),
        "users": options.users,
        "workers": options.workers,
        "requests": len(latencies),
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
        "edits_saved": outcomes["ok"],
        "edits_refused_then_retried": outcomes["conflict"],
        "edit_errors": outcomes["error"],
        "server_errors": server_errors,
        "lost_writes": len(set(markers) - saved),
    }
    print(json.dumps(report, indent=2))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2))
    if report["lost_writes"] or report["server_errors"] or report["edit_errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""The production stack under a mixed load, with a consistency check at the end.

    python bench/stack.py [--duration 60] [--scale full|small] [--json FILE]

Starts what the README's deployment section describes, on this machine: a fresh PostgreSQL
database (dropped at the end), Redis on a private port (Debian's ``redis-server``) as the
rate-limit store, and gunicorn with four workers serving ``focalpoints:create_app()`` with
rate limits on. Then, for ``--duration`` seconds, logged-in officials of several countries
read every main page of their country and write (a person's notes, a new person, an
appointment's confirmation, a working-group meeting, a position), while the Secretariat reads
coverage, exports and the API. Writes go through the real forms (CSRF token and version); a
save refused because someone saved first is reloaded and tried again, as a person would.

It prints requests per second, p50 and p99 per kind of request, the errors (any status of 500
or more, or an unexpected one: there must be none) and a consistency check made in the
database afterwards: every write that returned success is there, no person holds a role twice
at once and no single-holder role has two current holders, and the audit log holds one entry
per successful write that changed something (confirming an appointment already confirmed that
day changes nothing). Exits non-zero if any of these fails. Two-step log-in is not required of
the bench users (``TWO_FACTOR_REQUIRED_ROLES=[]``, as scripts/serve.sh does).
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import math
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    PASSWORD,
    ROOT,
    VENV_BIN,
    bench_environment,
    build,
    drop_database,
    free_port,
    login,
    machine_load,
    stop,
)

SECRETARIAT = "secretariat@demo.focalpoints.example"
# The countries' officials: (account, country); each gets --users-per-country sessions.
OFFICIALS = [
    ("coordinator.ke@demo.focalpoints.example", "KE"),
    ("editor.fr@demo.focalpoints.example", "FR"),
    ("coordinator.br@demo.focalpoints.example", "BR"),
    ("coordinator.cn@demo.focalpoints.example", "CN"),
]
REDIS_PORT = 6390
EXPECTED = {200, 302, 304}
# The audit entry (table, action) that each kind of successful write must leave, once.
AUDITED = {
    "person notes": ("people", "update"),
    "new people": ("people", "create"),
    "confirmations": ("appointments", "update"),
    "meetings": ("working_group_meetings", "create"),
    "positions": ("positions", "create"),
}


class FormParser(HTMLParser):
    """The fields of the first form whose action matches, with the values a browser sends."""

    def __init__(self, action: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None
        self.options: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("method", "").lower() == "post":
            # A form without an action posts to its own page, as the registry's forms do.
            target = a.get("action", "")
            self.inside = self.action is None or not target or target.endswith(self.action)
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields[name] = a.get("value", "y")
            elif kind not in {"submit", "button", "file"}:
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.options[name] = []
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.options[self.select].append(value)
            if "selected" in a or (self.select not in self.fields and value):
                self.fields[self.select] = value
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(page: str, action: str | None = None) -> dict[str, str]:
    parser = FormParser(action)
    parser.feed(page)
    return parser.fields


def first_choice(page: str, action: str, select: str) -> str:
    """The first non-empty option of a select (a blank one may be marked as selected)."""
    parser = FormParser(action)
    parser.feed(page)
    return next((value for value in parser.options.get(select, []) if value), "")


class Client:
    """One logged-in user's keep-alive connection; records each request's time and status."""

    def __init__(self, port: int, email: str, stats: Stats) -> None:
        self.port = port
        self.cookie = login(port, email, PASSWORD)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.stats = stats

    def request(self, kind: str, method: str, url: str, fields: dict | None = None):
        body = urllib.parse.urlencode(fields, doseq=True) if fields is not None else None
        headers = {"Cookie": self.cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.connection.request(method, url, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode(errors="replace")
                break
            except (OSError, http.client.HTTPException):
                # gunicorn's sync workers close the connection after each response.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        self.stats.record(kind, time.perf_counter() - started, response.status, url)
        cookie = response.getheader("Set-Cookie")
        if cookie and cookie.startswith("session="):
            self.cookie = cookie.split(";")[0]
        return response.status, response.getheader("Location") or "", text


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def record(self, kind: str, seconds: float, status: int, url: str) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if status not in EXPECTED:
                self.errors.append(f"{status} {kind} {url}")


class Start:
    """Every session first looks around (outside the measure); the clock starts when all have."""

    def __init__(self, sessions: int, duration: float, stats: Stats) -> None:
        self.duration = duration
        self.stats = stats
        self.deadline = 0.0
        self.begun = 0.0
        self.barrier = threading.Barrier(sessions, action=self._go)

    def _go(self) -> None:
        with self.stats.lock:
            self.stats.times.clear()
        self.begun = time.monotonic()
        self.deadline = self.begun + self.duration

    def wait(self) -> float:
        self.barrier.wait(timeout=900)
        return self.deadline


class Ledger:
    """The writes that returned success, for the consistency check."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.notes: dict[int, list[str]] = {}  # person id -> markers appended
        self.people: list[str] = []  # family names of new people
        # (appointment id, day) of each successful confirmation: a second one the same day
        # changes nothing, so it leaves no new entry in the history.
        self.confirmations: set[tuple[int, date]] = set()
        self.meetings: list[str] = []
        self.positions: list[str] = []
        self.conflicts = 0
        # Writes the form refused (validation), with the first message of each kind.
        self.refused: dict[str, list] = {}

    def refuse(self, kind: str, page: str) -> None:
        message = re.search(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)', page)
        with self.lock:
            entry = self.refused.setdefault(kind, [0, message.group(1).strip() if message else ""])
            entry[0] += 1


def official(client: Client, code: str, number: int, ledger: Ledger, start: Start) -> None:
    """One official's session: mostly reads of their country, one request in four a write."""
    rng = random.Random(number)  # noqa: S311 (load pattern, not security)
    base = f"/countries/{code}"
    _status, _loc, page = client.request("country page", "GET", base)
    appointments = sorted(set(map(int, re.findall(rf"{base}/appointments/(\d+)", page))))
    _status, _loc, page = client.request("people list", "GET", base + "/people")
    people = sorted(set(map(int, re.findall(rf"{base}/people/(\d+)", page))))
    _status, _loc, page = client.request("working group", "GET", base + "/working-group")
    groups = sorted(set(map(int, re.findall(rf"{base}/working-group/(\d+)", page))))
    # The two sessions of a country edit the same record.
    shared_person = people[number % min(2, len(people))]
    reads = [
        ("country page", base),
        ("people list", base + "/people"),
        ("person page", f"{base}/people/{rng.choice(people)}"),
        ("working group", f"{base}/working-group/{groups[0]}" if groups else base),
        ("positions list", base + "/positions"),
        ("NBSAP matrix", base + "/nbsap/matrix"),
        ("reporting calendar", base + "/reporting"),
        ("export CSV, country", f"/exports/contacts.csv?country={code}"),
        ("directory", f"/directory/{code}"),
    ]
    count = 0
    stop_at = start.wait()
    while time.monotonic() < stop_at:
        count += 1
        if rng.random() >= 0.25:
            kind, url = rng.choice(reads)
            client.request(kind, "GET", url)
            continue
        marker = f"{code}{number}x{count}"
        write = rng.choice(["notes", "person", "confirm", "meeting", "position"])
        if write == "notes":
            edit_notes(client, f"{base}/people/{shared_person}", marker, ledger, shared_person)
        elif write == "person":
            new_person(client, base, marker, ledger)
        elif write == "confirm" and appointments:
            confirm(client, base, rng.choice(appointments), ledger)
        elif write == "meeting" and groups:
            new_meeting(client, base, groups[0], marker, ledger)
        elif write == "position":
            new_position(client, base, marker, ledger)


def edit_notes(client: Client, url: str, marker: str, ledger: Ledger, person: int) -> None:
    for _ in range(20):
        _status, _loc, page = client.request("edit person (form)", "GET", url + "/edit")
        fields = form_fields(page, "/edit")
        fields["notes"] = html.unescape(fields.get("notes", "")) + marker + ";"
        status, location, _text = client.request("edit person", "POST", url + "/edit", fields)
        if status == 302 and not location.endswith("/edit"):
            with ledger.lock:
                ledger.notes.setdefault(person, []).append(marker)
            return
        with ledger.lock:
            ledger.conflicts += 1


def new_person(client: Client, base: str, marker: str, ledger: Ledger) -> None:
    _status, _loc, page = client.request("new person (form)", "GET", base + "/people/new")
    fields = form_fields(page, "/people/new")
    family = f"Bench {marker}"
    fields.update(family_name=family, given_names="Load", visibility="registered")
    fields["confirm_new"] = "y"
    status, location, text = client.request("new person", "POST", base + "/people/new", fields)
    if status == 302 and re.search(r"/people/\d+$", location):
        with ledger.lock:
            ledger.people.append(family)
    elif status == 200:
        ledger.refuse("new person", text)


def confirm(client: Client, base: str, appointment: int, ledger: Ledger) -> None:
    url = f"{base}/appointments/{appointment}/confirm"
    for _ in range(20):
        _status, _loc, page = client.request("confirm appointment (form)", "GET", url)
        fields = form_fields(page, "/confirm")
        status, location, _text = client.request("confirm appointment", "POST", url, fields)
        if status != 302:
            return
        # The registry flashes success, or a refusal (someone saved first) on the same page.
        _s, _l, after = client.request("after confirm", "GET", urllib.parse.urlsplit(location).path)
        if "alert-success" in after:
            with ledger.lock:
                ledger.confirmations.add((appointment, date.today()))
            return
        with ledger.lock:
            ledger.conflicts += 1


def new_meeting(client: Client, base: str, group: int, marker: str, ledger: Ledger) -> None:
    url = f"{base}/working-group/{group}/meetings/new"
    _status, _loc, page = client.request("new meeting (form)", "GET", url)
    fields = form_fields(page, "/meetings/new")
    title = f"Bench meeting {marker}"
    fields.update(title=title, starts_at="2027-03-01T10:00", place="Online")
    fields.pop("attendees", None)
    status, location, text = client.request("new meeting", "POST", url, fields)
    if status == 302 and re.search(r"/meetings/\d+$", location):
        with ledger.lock:
            ledger.meetings.append(title)
    elif status == 200:
        ledger.refuse("new meeting", text)


def new_position(client: Client, base: str, marker: str, ledger: Ledger) -> None:
    url = base + "/positions/new"
    _status, _loc, page = client.request("new position (form)", "GET", url)
    fields = form_fields(page, "/positions/new")
    title = f"Bench position {marker}"
    # On a cross-cutting issue: an agenda item would have to be one of the chosen meeting's.
    issue = first_choice(page, "/positions/new", "issue")
    fields.update(title=title, text="Our position.", agenda_item="", issue=issue)
    status, location, text = client.request("new position", "POST", url, fields)
    if status == 302 and re.search(r"/positions/\d+$", location):
        with ledger.lock:
            ledger.positions.append(title)
    elif status == 200:
        ledger.refuse("new position", text)


def secretariat(client: Client, number: int, start: Start) -> None:
    """The Secretariat: coverage, the API and exports."""
    rng = random.Random(1000 + number)  # noqa: S311 (load pattern, not security)
    reads = [
        ("coverage", "/coverage"),
        ("coverage", "/coverage?region=africa"),
        ("API focal points", "/api/v1/focal-points?per_page=50"),
        ("API focal points", "/api/v1/focal-points?country=KE"),
        ("API coverage", "/api/v1/coverage"),
        ("people search", "/countries?q=ke"),
        ("export CSV, all", "/exports/contacts.csv?status=all"),
        ("export XLSX, country", "/exports/contacts.xlsx?country=BR"),
    ]
    for _kind, url in reads:  # as the officials look around first, outside the measure
        client.request("warm-up", "GET", url)
    stop_at = start.wait()
    while time.monotonic() < stop_at:
        kind, url = rng.choice(reads)
        client.request(kind, "GET", url)


def start_redis(port: int) -> subprocess.Popen:
    command = [
        shutil.which("redis-server") or "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]  # fixed local arguments
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    for _ in range(50):
        try:
            with socket_to(port) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(64).startswith(b"+PONG"):
                    return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def socket_to(port: int):
    import socket

    return socket.create_connection(("127.0.0.1", port), timeout=1)


def serve_production(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "300",  # exports of every contact on a busy shared machine
        "focalpoints:create_app()",
    ]  # from our venv, fixed arguments, as the README's deployment section
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer")


def confirmed_today(url: str) -> set[tuple[int, date]]:
    """(appointment id, today) of those already confirmed today, before the load: confirming
    them again changes nothing, so leaves no entry in the history."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    today = date.today()
    with engine.connect() as db:
        found = db.scalars(
            text("SELECT id FROM appointments WHERE last_confirmed_on = :d"), {"d": today}
        )
        confirmed = {(appointment, today) for appointment in found}
    engine.dispose()
    return confirmed


def consistency(
    url: str, ledger: Ledger, since: datetime, confirmed_before: set[tuple[int, date]]
) -> dict:
    """Check in the database that the successful writes are all there, once each, audited."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    problems: list[str] = []
    with engine.connect() as db:
        for appointment, day in sorted(ledger.confirmations):
            saved = db.scalar(
                text("SELECT last_confirmed_on FROM appointments WHERE id = :id"),
                {"id": appointment},
            )
            if saved is None or saved < day:
                problems.append(f"confirmation of appointment {appointment} on {day} lost")
        for person, markers in ledger.notes.items():
            notes = db.scalar(text("SELECT notes FROM people WHERE id = :id"), {"id": person})
            saved = set(filter(None, (notes or "").split(";")))
            problems += [f"lost note {m} of person {person}" for m in markers if m not in saved]
        for table, column, values in (
            ("people", "family_name", ledger.people),
            ("working_group_meetings", "title", ledger.meetings),
        ):
            for value in values:
                found = db.scalar(
                    text(f"SELECT count(*) FROM {table} WHERE {column} = :v"),  # noqa: S608  # nosec B608
                    {"v": value},
                )
                if found != 1:
                    problems.append(f"{table} {value!r}: {found} rows")
        for title in ledger.positions:
            rows = db.execute(
                text("SELECT titles FROM positions WHERE created_at >= :t"), {"t": since}
            )
            # Exact titles: "... CN0x2" is a part of "... CN0x21".
            if sum(title in (r[0] or {}).values() for r in rows) != 1:
                problems.append(f"position {title!r} missing or repeated")
        duplicates = db.scalar(
            text(
                "SELECT count(*) FROM (SELECT person_id, role_id FROM appointments "
                "WHERE status <> 'ended' GROUP BY person_id, role_id HAVING count(*) > 1) d"
            )
        )
        doubled = db.scalar(
            text(
                "SELECT count(*) FROM (SELECT country_id, role_id FROM appointments "
                "WHERE status <> 'ended' AND NOT multiple_holders "
                "GROUP BY country_id, role_id HAVING count(*) > 1) d"
            )
        )
        if duplicates or doubled:
            problems.append(f"{duplicates} duplicate appointments, {doubled} doubled roles")
        audit = {
            (entity, action): count
            for entity, action, count in db.execute(
                text(
                    "SELECT entity_type, action, count(*) FROM audit_log "
                    "WHERE created_at >= :t AND actor_id IS NOT NULL "
                    "GROUP BY entity_type, action"
                ),
                {"t": since},
            )
        }
    engine.dispose()
    writes = {
        "person notes": sum(len(m) for m in ledger.notes.values()),
        "new people": len(ledger.people),
        # Those that changed the date: not a second one the same day, nor one of an
        # appointment confirmed that day before the load.
        "confirmations": len(ledger.confirmations - confirmed_before),
        "meetings": len(ledger.meetings),
        "positions": len(ledger.positions),
    }
    for kind, entry in AUDITED.items():
        if audit.get(entry, 0) != writes[kind]:
            problems.append(f"{writes[kind]} {kind} saved, {audit.get(entry, 0)} audited")
    return {
        "writes": writes,
        "audit": {f"{e} {a}": n for (e, a), n in audit.items()},
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users-per-country", type=int, default=2)
    parser.add_argument("--secretariat-users", type=int, default=2)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()

    env = bench_environment("stack", "postgresql")
    redis = server = None
    try:
        started = time.monotonic()
        build(env, options.scale)
        build_seconds = round(time.monotonic() - started, 1)
        redis = start_redis(REDIS_PORT)
        env = {
            **env,
            "FOCALPOINTS_RATELIMIT_ENABLED": "true",
            "FOCALPOINTS_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{REDIS_PORT}/0",
        }
        server, port = serve_production(env, options.workers)
        stats, ledger = Stats(), Ledger()
        clients = [
            (Client(port, email, stats), code, n)
            for email, code in OFFICIALS
            for n in range(options.users_per_country)
        ]
        office = [Client(port, SECRETARIAT, stats) for _ in range(options.secretariat_users)]
        since = datetime.now(UTC)
        confirmed_before = confirmed_today(env["FOCALPOINTS_DATABASE_URL"])
        load_at_start = machine_load()
        start = Start(len(clients) + len(office), options.duration, stats)
        threads = [
            threading.Thread(target=official, args=(c, code, n, ledger, start))
            for c, code, n in clients
        ] + [threading.Thread(target=secretariat, args=(c, n, start)) for n, c in enumerate(office)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - start.begun
        load_at_end = machine_load()
        check = consistency(env["FOCALPOINTS_DATABASE_URL"], ledger, since, confirmed_before)
    finally:
        if server is not None:
            stop(server)
        if redis is not None:
            redis.terminate()
            redis.wait(10)
        drop_database(env)
    everything = sorted(t for times in stats.times.values() for t in times)
    kinds = {
        kind: {
            "requests": len(times),
            "p50_ms": round(1000 * statistics.median(times), 1),
            "p99_ms": round(1000 * sorted(times)[max(0, math.ceil(0.99 * len(times)) - 1)], 1),
        }
        for kind, times in sorted(stats.times.items())
    }
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "stack": f"gunicorn -w {options.workers}, PostgreSQL, Redis rate-limit store",
        "scale": options.scale,
        "build_seconds": build_seconds,
        "load_average": {"at_start": load_at_start, "at_end": load_at_end},
        "sessions": len(clients) + len(office),
        "seconds": round(duration, 1),
        "requests": len(everything),
        "rps": round(len(everything) / duration, 1),
        "p50_ms": round(1000 * statistics.median(everything), 1),
        "p99_ms": round(1000 * everything[max(0, math.ceil(0.99 * len(everything)) - 1)], 1),
        "errors": len(stats.errors),
        "error_samples": stats.errors[:10],
        "refused_as_outdated_then_retried": ledger.conflicts,
        "refused_by_the_form": ledger.refused,
        "kinds": kinds,
        "consistency": check,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if stats.errors or check["problems"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

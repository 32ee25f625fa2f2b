"""Benchmark focalpoints at full scale, side by side with a bare Flask route.

    python bench/run.py [--scale full|small] [--seconds 15] [--rounds 5] [--json FILE] ...

(`--help` lists every option.)

Builds a database (SQLite in a temporary folder), serves the app with gunicorn on 127.0.0.1
(two workers), drives each page with wrk (Debian's package; else a bounded Python load generator,
or as ``--load`` says), and prints requests per
second, p50 and p99 latency, SQL queries per request, and the peak memory growth of a worker
during the exports. Load goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
EMAIL, PASSWORD = "secretariat@demo.focalpoints.example", "focalpoints-demo"
PAGES = [
    ("bare route", "/_bench/bare"),
    ("country page", "/countries/KE"),
    ("coverage page", "/coverage"),
    ("people search", "/countries?q=ke"),
    ("API focal points", "/api/v1/focal-points?per_page=50"),
]
EXPORTS = [
    ("export CSV", "/exports/contacts.csv?status=all"),
    ("export XLSX", "/exports/contacts.xlsx?status=all"),
    ("export vCard", "/exports/contacts.vcf?status=all"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str, env: dict[str, str]) -> None:
    command = [str(VENV_BIN / "focalpoints"), *args]  # our own command, fixed arguments
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def query_counts(env: dict[str, str]) -> tuple[dict[str, int], int]:
    """SQL statements per request for every measured URL, and the country page's size."""
    os.environ.update(env)
    from sqlalchemy import event

    sys.path.insert(0, str(ROOT))
    from bench.wsgi import app  # the served app, bare route included
    from focalpoints.extensions import db

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    counts: dict[str, int] = {}
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    size = 0
    for name, url in PAGES + EXPORTS:
        client.get(url, buffered=True)  # warm caches
        statements.clear()
        response = client.get(url, buffered=True)
        counts[name] = len(statements)
        if name == "country page":
            size = len(response.data)
    return counts, size


class Session:
    """A logged-in HTTP/1.1 keep-alive connection to the benchmark server."""

    def __init__(self, port: int, cookie: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = cookie

    def get(self, url: str) -> tuple[int, int]:
        self.connection.request("GET", url, headers={"Cookie": self.cookie})
        response = self.connection.getresponse()
        body = response.read()
        return response.status, len(body)


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    if match is None:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def login(port: int, email: str = EMAIL, password: str = PASSWORD) -> str:
    """Log in through the real form; return the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    body = urllib.parse.urlencode(
        {"csrf_token": csrf_token(page), "email": email, "password": password}
    )
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"log-in failed: {response.status}")
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    # A first page gives the session its CSRF secret, as a browser's first page after log-in
    # does; a browser then sends the updated cookie. The load generators keep no cookies:
    # without this, every measured request would make a new secret and set a new cookie.
    connection.request("GET", "/countries", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def load(port: int, cookie: str, url: str, seconds: float, concurrency: int) -> dict:
    """Drive ``url`` from ``concurrency`` connections for ``seconds``; bounded in time."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors
        session = Session(port, cookie)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _ = session.get(url)
            except (OSError, http.client.HTTPException):
                status = 0
                session = Session(port, cookie)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - begun
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1)
        if latencies
        else None,
        "errors": errors,
    }


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(number) * _WRK_UNITS[unit], 1)


def load_wrk(port: int, cookie: str, url: str, seconds: float, concurrency: int) -> dict:
    """The same measure with wrk: one thread of C, so that the load generator does not take
    the CPU the server needs (the Python generator caps the bare route well below its limit)."""
    command = [
        shutil.which("wrk") or "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "-H",
        f"Cookie: {cookie}",
        f"http://127.0.0.1:{port}{url}",
    ]  # a fixed local address, our own arguments
    output = subprocess.run(  # noqa: S603
        command, check=True, capture_output=True, text=True
    ).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": requests,
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), 1),
        "p50_ms": _wrk_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99_ms": _wrk_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "errors": (int(bad.group(1)) if bad else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmRSS:\s+(\d+)", status)
    return int(match.group(1)) if match else 0


def export_run(port: int, cookie: str, url: str, master: int, repeats: int = 3) -> dict:
    """Time an export a few times, watching the workers' memory meanwhile."""
    pids = worker_pids(master)
    baseline = {pid: rss_kib(pid) for pid in pids}
    peak = dict(baseline)
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], rss_kib(pid))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    session = Session(port, cookie)
    times, size, errors = [], 0, 0
    for _ in range(repeats):
        started = time.perf_counter()
        status, size = session.get(url)
        times.append(time.perf_counter() - started)
        errors += status != 200
    stop.set()
    watcher.join()
    growth = max((peak[p] - baseline[p] for p in pids), default=0)
    return {
        "seconds_median": round(statistics.median(times), 3),
        "bytes": size,
        "errors": errors,
        "worker_memory_growth_mb": round(growth / 1024, 1),
    }


def bench_environment(name: str) -> dict[str, str]:
    """Settings for a throw-away instance folder and SQLite database."""
    folder = Path(tempfile.mkdtemp(prefix=f"focalpoints-{name}-"))
    return {
        **os.environ,
        "FOCALPOINTS_DATABASE_URL": f"sqlite:///{folder / (name + '.sqlite3')}",
        "FOCALPOINTS_INSTANCE_PATH": str(folder),
        "FOCALPOINTS_SECRET_KEY": f"{name}-only-secret",
        "FOCALPOINTS_BASE_URL": "http://127.0.0.1",  # gunicorn's app is a production start
        "FOCALPOINTS_RATELIMIT_ENABLED": "false",
        # Pages are measured, not log-in: the demo Secretariat logs in with its password alone.
        "FOCALPOINTS_TWO_FACTOR_REQUIRED_ROLES": "[]",
        "FOCALPOINTS_LOG_LEVEL": "WARNING",
    }


def serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    """Start gunicorn on a free port of 127.0.0.1 and wait until it accepts connections."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "bench.wsgi:app",
    ]  # from our venv, fixed arguments
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="load per page, over all rounds"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--load",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk if installed (auto), or the Python one",
    )
    options = parser.parse_args()
    generator = (
        "wrk"
        if options.load == "wrk" or (options.load == "auto" and shutil.which("wrk"))
        else "python"
    )
    drive = load_wrk if generator == "wrk" else load

    env = bench_environment("bench")
    started = time.monotonic()
    run("init", env=env)
    run("demo-data", "--scale", options.scale, env=env)
    build = round(time.monotonic() - started, 1)
    counts, page_size = query_counts(env)
    server, port = serve({**env, "BENCH_BARE_BYTES": str(page_size)}, workers=2)
    try:
        cookie = login(port)
        for _name, url in PAGES:
            drive(port, cookie, url, 1.0, options.concurrency)  # warm-up
        # The pages take turns with the bare route, round after round: a shared machine's
        # speed drifts by a quarter from one second to the next, so each page is compared with
        # the bare route of its own round, and the median round is reported.
        rounds: dict[str, list[dict]] = {name: [] for name, _url in PAGES}
        for _ in range(options.rounds):
            for name, url in PAGES:
                rounds[name].append(
                    drive(port, cookie, url, options.seconds / options.rounds, options.concurrency)
                )
        results: dict[str, dict] = {}
        for name, url in PAGES:
            ratios = [
                (mine["rps"] / bare["rps"]) if bare["rps"] else 0.0
                for mine, bare in zip(rounds[name], rounds["bare route"], strict=True)
            ]
            median = sorted(rounds[name], key=lambda r: r["rps"])[len(rounds[name]) // 2]
            results[name] = {
                "url": url,
                "queries": counts[name],
                **median,
                "requests": sum(r["requests"] for r in rounds[name]),
                "errors": sum(r["errors"] for r in rounds[name]),
                "ratio_to_bare": round(statistics.median(ratios), 3),
                "ratio_by_round": [round(r, 3) for r in ratios],
            }
        for name, url in EXPORTS:
            results[name] = {
                "url": url,
                "queries": counts[name],
                **export_run(port, cookie, url, server.pid),
            }
    finally:
        server.terminate()
        server.wait(10)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "scale": options.scale,
        "build_seconds": build,
        "country_page_bytes": page_size,
        "machine": f"{os.cpu_count()} cores, {sys.platform}",
        "load_generator": generator,
        "concurrency": options.concurrency,
        "rounds": options.rounds,
        "results": results,
    }
    print(
        f"load generator: {generator}, {options.concurrency} connections, "
        f"median of {options.rounds} rounds"
    )
    print(
        f"{'measure':<18} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'queries':>7}"
        f" {'export s':>9} {'mem MB':>7} {'errors':>6}"
    )
    for name, entry in results.items():
        print(
            f"{name:<18} {entry.get('rps', ''):>8} {entry.get('p50_ms', ''):>8} "
            f"{entry.get('p99_ms', ''):>8} {entry.get('ratio_to_bare', ''):>6} "
            f"{entry['queries']:>7} {entry.get('seconds_median', ''):>9} "
            f"{entry.get('worker_memory_growth_mb', ''):>7} {entry['errors']:>6}"
        )
    if options.json:
        options.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Benchmark focalpoints at full scale, side by side with a bare Flask route.

    python bench/run.py [--scale small|full|10x] [--database sqlite|postgresql] [--json FILE] ...

(`--help` lists every option.)

Builds a database (SQLite in a temporary folder, or a fresh PostgreSQL database on the local
server's socket, dropped at the end; ``--scale 10x`` grows the full-scale data tenfold with
bench/grow.py), serves the app with gunicorn on 127.0.0.1
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
    ("directory", "/directory"),
    ("directory country", "/directory/KE"),
    ("working group", "/countries/{group_country}/working-group/{group}"),
    ("positions list", "/countries/KE/positions"),
    ("NBSAP matrix", "/countries/KE/nbsap/matrix"),
]
# The public directory is read by anonymous visitors: no session cookie on these.
ANONYMOUS = {"directory", "directory country"}
PG_HOST = "/var/run/postgresql"
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
    """Run a ``focalpoints`` command of this checkout (not of whichever one is installed)."""
    command = [sys.executable, "-c", "from focalpoints.cli import main; main()", *args]
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def resolve_pages(env: dict[str, str]) -> list[tuple[str, str]]:
    """The measured pages with the ids they need looked up: Kenya's first working group, or
    the first one of another country when Kenya has none (at full scale a hundred countries
    have one)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(env["FOCALPOINTS_DATABASE_URL"])
    with engine.connect() as connection:
        group, country = connection.execute(
            text(
                "SELECT w.id, c.iso2 FROM working_groups w JOIN countries c "
                "ON c.id = w.country_id ORDER BY c.iso2 <> 'KE', w.id LIMIT 1"
            )
        ).one()
    engine.dispose()
    return [(name, url.format(group=group, group_country=country)) for name, url in PAGES]


def query_counts(
    env: dict[str, str], pages: list[tuple[str, str]], explain: Path | None = None
) -> tuple[dict[str, int], int]:
    """SQL statements per request for every measured URL, and the country page's size.

    With ``explain`` (PostgreSQL), each page's statements are run again under
    ``EXPLAIN (ANALYZE, BUFFERS)`` with their parameters and the plans written to that file.
    """
    os.environ.update(env)
    from sqlalchemy import event

    sys.path.insert(0, str(ROOT))
    from bench.wsgi import app  # the served app, bare route included
    from focalpoints.extensions import db

    app.config["WTF_CSRF_ENABLED"] = False
    client, visitor = app.test_client(), app.test_client()
    host = env["FOCALPOINTS_BASE_URL"]  # the app refuses requests for any other host
    login_data = {"email": EMAIL, "password": PASSWORD}
    if client.post("/login", base_url=host, data=login_data).status_code != 302:
        raise SystemExit("in-process log-in failed")
    counts: dict[str, int] = {}
    statements: list[tuple[str, object, bool]] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append((statement, parameters, executemany))

    event.listen(engine, "before_cursor_execute", count)
    size = 0
    plans: list[str] = []
    for name, url in pages + EXPORTS:
        reader = visitor if name in ANONYMOUS else client
        reader.get(url, base_url=host, buffered=True)  # warm caches
        statements.clear()
        response = reader.get(url, base_url=host, buffered=True)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        counts[name] = len(statements)
        if name == "country page":
            size = len(response.data)
        if explain is not None and name != "bare route":
            plans += [f"######## {name}: GET {url}", *explain_plans(engine, list(statements))]
    event.remove(engine, "before_cursor_execute", count)
    if explain is not None:
        explain.write_text("\n".join(plans) + "\n")
    return counts, size


def explain_plans(engine, statements: list[tuple[str, object, bool]]) -> list[str]:
    """Each read statement's plan as PostgreSQL runs it, with its real parameters."""
    plans = []
    with engine.connect() as connection:
        for statement, parameters, executemany in statements:
            if executemany or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).all()
            plans += ["", " ".join(statement.split()), repr(parameters), *(r[0] for r in rows)]
        connection.rollback()
    return plans


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
        "--timeout",
        "30s",  # a slow page on a busy machine is a latency to report, not a socket error
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
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


def drain(port: int, workers: int = 2) -> None:
    """Wait until the requests the last load left queued are served: wrk stops sending, but
    the sync workers still serve what the listen queue holds, which would slow the next page
    measured. One request per worker, queued behind them, returns when they are done."""
    threads = [
        threading.Thread(target=lambda: Session(port, "").get("/_bench/bare"))
        for _ in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


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
        try:
            status, size = session.get(url)
        except (OSError, http.client.HTTPException):
            status, session = 0, Session(port, cookie)
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
        "worker_peak_rss_mb": round(max(peak.values(), default=0) / 1024, 1),
    }


def bench_environment(name: str, database: str = "sqlite") -> dict[str, str]:
    """Settings for a throw-away instance folder and database: SQLite in that folder, or a
    fresh PostgreSQL database on the local server (``drop_database`` removes it)."""
    folder = Path(tempfile.mkdtemp(prefix=f"focalpoints-{name}-"))
    if database == "postgresql":
        dbname = f"focalpoints_{name}_{os.getpid()}"
        subprocess.run(["createdb", "-h", PG_HOST, dbname], check=True)  # noqa: S603, S607
        url = f"postgresql+psycopg:///{dbname}?host={PG_HOST}"
    else:
        dbname, url = "", f"sqlite:///{folder / (name + '.sqlite3')}"
    return {
        **os.environ,
        "BENCH_PG_DATABASE": dbname,
        "FOCALPOINTS_DATABASE_URL": url,
        "FOCALPOINTS_INSTANCE_PATH": str(folder),
        "FOCALPOINTS_SECRET_KEY": f"{name}-only-secret",
        "FOCALPOINTS_BASE_URL": "http://127.0.0.1",  # gunicorn's app is a production start
        "FOCALPOINTS_RATELIMIT_ENABLED": "false",
        # Pages are measured, not log-in: the demo Secretariat logs in with its password alone.
        "FOCALPOINTS_TWO_FACTOR_REQUIRED_ROLES": "[]",
        "FOCALPOINTS_LOG_LEVEL": "WARNING",
    }


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn: gracefully, or killed if its workers are still busy after 30 s."""
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


def drop_database(env: dict[str, str]) -> None:
    """Drop the PostgreSQL database ``bench_environment`` made, if it made one."""
    if env.get("BENCH_PG_DATABASE"):
        subprocess.run(  # noqa: S603
            ["dropdb", "-h", PG_HOST, "--if-exists", "--force", env["BENCH_PG_DATABASE"]],  # noqa: S607
            check=False,
        )


def build(env: dict[str, str], scale: str) -> None:
    """Migrate, load the reference and demo data, and grow it for ``10x``."""
    run("init", env=env)
    run("demo-data", "--scale", "full" if scale == "10x" else scale, env=env)
    if scale == "10x":
        from bench.grow import grow

        grow(env["FOCALPOINTS_DATABASE_URL"], 10)
    elif env.get("BENCH_PG_DATABASE"):
        from bench.grow import vacuum_analyse

        vacuum_analyse(env["FOCALPOINTS_DATABASE_URL"])


def machine_load() -> float:
    """The one-minute load average: the machine is shared, so each run records it."""
    return round(os.getloadavg()[0], 2)


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
        # An export of every contact on a busy shared machine can outlast gunicorn's default
        # 30 s, which would kill the worker and lose the measure.
        "--timeout",
        "300",
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
    parser.add_argument("--scale", choices=["small", "full", "10x"], default="full")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="load per page, over all rounds"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--explain",
        type=Path,
        help="PostgreSQL: write the plan of every statement of every page to this file",
    )
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
    sys.path.insert(0, str(ROOT))

    env = bench_environment("bench", options.database)
    server = None
    try:
        load_before_build = machine_load()
        started = time.monotonic()
        build(env, options.scale)
        build_seconds = round(time.monotonic() - started, 1)
        pages = resolve_pages(env)
        explain = options.explain if options.database == "postgresql" else None
        counts, page_size = query_counts(env, pages, explain)
        load_at_start = machine_load()
        server, port = serve({**env, "BENCH_BARE_BYTES": str(page_size)}, workers=2)
        cookie = login(port)
        for name, url in pages:
            drive(port, "" if name in ANONYMOUS else cookie, url, 1.0, options.concurrency)
            drain(port)
        # The pages take turns with the bare route, round after round: a shared machine's
        # speed drifts by a quarter from one second to the next, so each page is compared with
        # the bare route of its own round, and the median round is reported.
        rounds: dict[str, list[dict]] = {name: [] for name, _url in pages}
        for _ in range(options.rounds):
            for name, url in pages:
                rounds[name].append(
                    drive(
                        port,
                        "" if name in ANONYMOUS else cookie,
                        url,
                        options.seconds / options.rounds,
                        options.concurrency,
                    )
                )
                drain(port)
        results: dict[str, dict] = {}
        for name, url in pages:
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
        load_at_end = machine_load()
    finally:
        if server is not None:
            stop(server)
        drop_database(env)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "database": options.database,
        "scale": options.scale,
        "build_seconds": build_seconds,
        "load_average": {
            "before_build": load_before_build,
            "at_start": load_at_start,
            "at_end": load_at_end,
        },
        "country_page_bytes": page_size,
        "machine": f"{os.cpu_count()} cores, {sys.platform}",
        "load_generator": generator,
        "concurrency": options.concurrency,
        "rounds": options.rounds,
        "results": results,
    }
    print(
        f"{options.database}, scale {options.scale}, load generator: {generator}, "
        f"{options.concurrency} connections, median of {options.rounds} rounds, "
        f"load average {load_at_start} to {load_at_end}"
    )
    print(
        f"{'measure':<18} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'queries':>7}"
        f" {'export s':>9} {'mem MB':>7} {'errors':>6} peak RSS MB"
    )
    for name, entry in results.items():
        print(
            f"{name:<18} {entry.get('rps', ''):>8} {entry.get('p50_ms', ''):>8} "
            f"{entry.get('p99_ms', ''):>8} {entry.get('ratio_to_bare', ''):>6} "
            f"{entry['queries']:>7} {entry.get('seconds_median', ''):>9} "
            f"{entry.get('worker_memory_growth_mb', ''):>7} {entry['errors']:>6}"
            f" {entry.get('worker_peak_rss_mb', '')}"
        )
    if options.json:
        options.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

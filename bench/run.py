"""``make bench``: throughput and latency of the portal's pages, served as production serves them.

What it does, in one bounded run (about ``pages x (warm-up + duration)`` plus start-up):

1. Configures Django as production would (``DEBUG=0``, a bench ``SECRET_KEY``, manifest static
   files) but with ``SECURE_SSL_REDIRECT=0``, against the project's own database: the embedded
   PostgreSQL under ``var/pgdata``, or ``DATABASE_URL`` when set.
2. Makes sure a portal exists to measure: ``demo`` (made by ``manage.py seed_demo`` when
   missing), or with ``--own-portal`` (or without ``seed_demo``) its own ``bench`` portal at
   ``bench.localhost``, or any portal named with ``--host``. The public schema and that portal's
   schema get any migration they lack, and a query count of one request per page is taken
   in-process.
3. Runs ``collectstatic``, starts gunicorn on loopback (2 sync workers by default) and waits for
   ``/healthz``.
4. For every page in ``bench/pages.py``: a short warm-up, then ``wrk`` for ``--duration`` seconds
   with the portal's ``Host`` header. ``bench/report.lua`` reports requests/s, p50/p95/p99 and
   every non-2xx response.
5. Prints a table with each page's req/s and p50 also as a ratio to the trivial view (the first
   page), measured by the same server in the same run, and writes ``var/bench/latest.json``.

gunicorn is always stopped at the end, on errors and Ctrl-C too. Exit status 1 when a page
answered anything but 2xx (its numbers then measure an error page, not the page).

    .venv/bin/python bench/run.py [--duration 10] [--connections 16] [--threads 2] [--workers 2]
                                  [--host demo.localhost | --own-portal]
                                  [--pages "home page,login page"] [--no-collectstatic]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))  # run as a script: make `bench` and `portal` importable

from bench.pages import BASELINE, PAGES, PLACEHOLDERS  # noqa: E402

REPORT_LUA = BASE_DIR / "bench" / "report.lua"
OUTPUT_DIR = BASE_DIR / "var" / "bench"
REPORT_PREFIX = "GUILDHALL-BENCH "
# Signs the bench server's cookies on loopback only; DEBUG=0 needs one.
BENCH_SECRET_KEY = "bench-only-not-a-secret-guildhall-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEMO_SLUG = "demo"
BENCH_SLUG, BENCH_DOMAIN = "bench", "bench.localhost"
WRK_MISSING = (
    "bench/run.py needs wrk, the HTTP load generator, and it is not on PATH.\n"
    "Install it with:  sudo apt-get install wrk   (Debian/Ubuntu; macOS: brew install wrk)"
)


class BenchError(Exception):
    """The benchmark cannot run; the message says why."""


@dataclass
class PageResult:
    name: str
    path: str
    first_status: int
    requests: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    queries: int | None = None  # SQL queries of one warm request, counted in-process
    requests_per_s_ratio: float | None = None  # page / trivial view: below 1 means slower
    p50_ratio: float | None = None  # page / trivial view: above 1 means slower

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds of load per page (10).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up per page (2).")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2).")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2).")
    parser.add_argument("--port", type=int, default=0, help="Loopback port (default: a free one).")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--host", help="A portal's domain to measure (default: the demo portal).")
    which.add_argument(
        "--own-portal",
        action="store_true",
        help=f"Measure the harness's own portal at {BENCH_DOMAIN}, created if missing.",
    )
    parser.add_argument(
        "--pages", help="Comma-separated page names from bench/pages.py (default: all)."
    )
    parser.add_argument(
        "--no-collectstatic", action="store_true", help="Reuse staticfiles/ as it is."
    )
    parser.add_argument(
        "--output", type=Path, default=OUTPUT_DIR / "latest.json", help="Where to write JSON."
    )
    args = parser.parse_args(argv)
    if args.duration < 1 or args.warmup < 0 or args.workers < 1:
        parser.error("--duration and --workers must be at least 1, --warmup at least 0.")
    if args.threads < 1 or args.connections < args.threads:
        parser.error("wrk needs at least one thread and at least one connection per thread.")
    return args


def selected_pages(names: str | None) -> list[tuple[str, str]]:
    if not names:
        return list(PAGES)
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    known = {name for name, _ in PAGES}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise BenchError(f"Unknown page(s) {unknown}; bench/pages.py has {sorted(known)}.")
    return [BASELINE, *[page for page in PAGES if page[0] in wanted and page != BASELINE]]


# --- Environment and the portal to measure ---------------------------------------------------


def bench_environment(*, allowed_hosts: str) -> dict[str, str]:
    """Production settings on loopback: no debug, manifest static files, no HTTPS redirect."""
    env = dict(os.environ)
    env.pop("GUILDHALL_TESTING", None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS=allowed_hosts,
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        PYTHONUNBUFFERED="1",
    )
    return env


def database_description() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"embedded PostgreSQL ({os.environ.get('GUILDHALL_PGDATA', 'var/pgdata')})"
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 5432}{parts.path}"  # no password


def prepare_portal(
    *, host: str | None, own_portal: bool, collectstatic: bool, pages: list[tuple[str, str]]
) -> tuple[str, dict[str, int], list[tuple[str, str]]]:
    """Set Django up in this process, make sure the portal exists, collect static files.

    Returns the host name to send, each page's query count, and the pages with their
    ``{placeholders}`` filled in. The public schema and the portal's schema get any migration
    they lack first, as a deploy would apply them.
    """
    os.environ.update(bench_environment(allowed_hosts=".localhost,localhost,127.0.0.1"))
    import django

    django.setup()
    from django.core.management import call_command, get_commands
    from django.db import connection, connections

    from portal.tenants.models import Domain, Organization

    try:
        if Organization._meta.db_table not in connection.introspection.table_names():
            print("Migrating the public schema (first run on this database)...", flush=True)
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        else:
            _migrate_if_needed(call_command, schema="public")
        if host:
            if not Domain.objects.filter(domain=host).exists():
                raise BenchError(f"No portal has the domain {host!r}.")
        else:
            host = _demo_or_bench_host(call_command, get_commands, own_portal=own_portal)
        domain = Domain.objects.select_related("tenant").get(domain=host)
        _migrate_if_needed(call_command, schema=domain.tenant.schema_name)
        if collectstatic:
            started = time.monotonic()
            print("Collecting static files into staticfiles/...", end=" ", flush=True)
            call_command("collectstatic", interactive=False, verbosity=0)
            print(f"{time.monotonic() - started:.1f} s", flush=True)
        pages = resolve_placeholders(pages, schema=domain.tenant.schema_name)
        queries = count_queries(host=host, pages=pages)
    finally:
        connections.close_all()
    return host, queries, pages


def resolve_placeholders(pages: list[tuple[str, str]], *, schema: str) -> list[tuple[str, str]]:
    """Fill each path's ``{name}`` from ``bench.pages.PLACEHOLDERS``, in the portal's schema."""
    from django_tenants.utils import schema_context

    resolved = []
    with schema_context(schema):
        values = {}
        for name, path in pages:
            for key, find in PLACEHOLDERS.items():
                if "{" + key + "}" in path and key not in values:
                    try:
                        values[key] = find()
                    except LookupError as error:
                        raise BenchError(f"{name}: {error}") from error
            resolved.append((name, path.format(**values) if "{" in path else path))
    return resolved


def count_queries(*, host: str, pages: list[tuple[str, str]]) -> dict[str, int]:
    """SQL queries of one anonymous request per page, after a first one has warmed the caches.

    Counted in this process with Django's test client: the same middleware and views as gunicorn
    runs, without the network. Every statement counts, the tenant middleware's domain lookup and
    its ``SET search_path`` included (2 for the trivial view).
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host, raise_request_exception=False)
    counts = {}
    for _, path in pages:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        counts[path] = len(captured.captured_queries)
    return counts


def _migrate_if_needed(call_command, *, schema: str) -> None:
    """Apply migrations the schema lacks (a portal made before the latest pull, say)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    connection.set_schema(schema)
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.set_schema_to_public()
    if not pending:
        return
    print(f"Applying {len(pending)} migration(s) to the schema {schema}...", flush=True)
    if schema == "public":
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    else:
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)


def _primary_domain(slug: str) -> str | None:
    from portal.tenants.models import Domain

    domain = Domain.objects.filter(tenant__slug=slug, is_primary=True).first()
    return domain.domain if domain else None


def _demo_or_bench_host(call_command, get_commands, *, own_portal: bool) -> str:
    if not own_portal and (host := _primary_domain(DEMO_SLUG)):
        return host
    if not own_portal and "seed_demo" in get_commands():
        print("Creating the demo portal (manage.py seed_demo)...", flush=True)
        call_command("seed_demo")
        if host := _primary_domain(DEMO_SLUG):
            return host
        raise BenchError("seed_demo ran but no portal with the slug 'demo' exists.")
    if host := _primary_domain(BENCH_SLUG):
        return host
    from portal.tenants.services import pool_refill, portal_create

    print(f"Creating the bench portal at {BENCH_DOMAIN}...", flush=True)
    portal_create(
        slug=BENCH_SLUG,
        name="Bench Academy",
        domain=BENCH_DOMAIN,
        admin_email=f"staff@{BENCH_DOMAIN}",
    )
    pool_refill()
    return BENCH_DOMAIN


# --- The server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_status(*, port: int, host: str, path: str, timeout: float = 10) -> int:
    """One GET to the loopback server with the portal's Host header; redirects are not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn_running(*, port: int, workers: int, env: dict[str, str], log_path: Path):
    """Start gunicorn in its own process group; always stop that group on the way out."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--timeout", "30",
        "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # the group we created: gunicorn and its workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_until_ready(*, process, port: int, host: str, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited ({process.returncode}):\n{_tail(log_path)}")
        try:
            status = fetch_status(port=port, host=host, path=BASELINE[1], timeout=5)
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise BenchError(f"{BASELINE[1]} did not answer 200 in {timeout:.0f} s ({last}).")


def _tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- Load ------------------------------------------------------------------------------------


def run_wrk(*, port: int, host: str, path: str, seconds: int, args) -> dict:
    command = [
        "wrk", f"--threads={args.threads}", f"--connections={args.connections}",
        f"--duration={seconds}s", "--timeout=10s", f"--script={REPORT_LUA}",
        f"--header=Host: {host}", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith(REPORT_PREFIX):
            return json.loads(line[len(REPORT_PREFIX) :])
    raise BenchError(f"wrk gave no report for {path}:\n{done.stdout}\n{done.stderr}")


def measure(*, name: str, path: str, port: int, host: str, queries: int | None, args) -> PageResult:
    first_status = fetch_status(port=port, host=host, path=path)
    if first_status != 200:
        print(f"  warning: {path} answered HTTP {first_status} before the load", flush=True)
    if args.warmup:
        run_wrk(port=port, host=host, path=path, seconds=args.warmup, args=args)
    report = run_wrk(port=port, host=host, path=path, seconds=args.duration, args=args)
    socket_errors = sum(
        report[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return PageResult(
        name=name,
        path=path,
        first_status=first_status,
        requests=report["requests"],
        requests_per_s=report["requests"] / (report["duration_us"] / 1e6),
        p50_ms=report["p50_us"] / 1000,
        p95_ms=report["p95_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        max_ms=report["max_us"] / 1000,
        non2xx=report["non2xx"],
        socket_errors=socket_errors,
        queries=queries,
    )


def add_ratios(results: list[PageResult]) -> None:
    base = results[0]
    for result in results:
        if base.requests_per_s:
            result.requests_per_s_ratio = result.requests_per_s / base.requests_per_s
        if base.p50_ms:
            result.p50_ratio = result.p50_ms / base.p50_ms


# --- Report ----------------------------------------------------------------------------------


def print_table(results: list[PageResult], *, host: str) -> None:
    header = (
        f"{'page':<20} {'path':<24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}"
        f" {'queries':>7}"
        f" {'req/s vs trivial':>17} {'p50 vs trivial':>15}"
    )
    print(f"\n{host}, {len(results)} pages")
    print(header)
    print("-" * len(header))
    for r in results:
        rps_ratio = f"{r.requests_per_s_ratio:.2f}x" if r.requests_per_s_ratio else "-"
        p50_ratio = f"{r.p50_ratio:.2f}x" if r.p50_ratio else "-"
        queries = "-" if r.queries is None else str(r.queries)
        print(
            f"{r.name:<20} {r.path:<24} {r.requests_per_s:>8.0f} {r.p50_ms:>8.1f}"
            f" {r.p95_ms:>8.1f} {r.errors:>7} {queries:>7} {rps_ratio:>17} {p50_ratio:>15}"
        )


def _git(*command: str) -> str:
    try:
        done = subprocess.run(
            ["git", *command], cwd=BASE_DIR, capture_output=True, text=True, timeout=10,
            check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def write_json(results: list[PageResult], *, host: str, args, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain")),
        "host": host,
        "database": database_description(),
        "server": f"gunicorn, {args.workers} sync workers, 127.0.0.1",
        "load": {
            "tool": "wrk",
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "baseline": BASELINE[1],
        "pages": [{**asdict(r), "errors": r.errors} for r in results],
    }
    output.write_text(json.dumps(document, indent=2) + "\n")


# --- Main ------------------------------------------------------------------------------------


def _raise_on_sigterm(signum, frame):
    raise SystemExit(f"Stopped by signal {signum}.")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(WRK_MISSING, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_on_sigterm)  # so gunicorn is stopped on `kill` too
    try:
        pages = selected_pages(args.pages)
        print(f"Database: {database_description()}", flush=True)
        host, queries, pages = prepare_portal(
            host=args.host,
            own_portal=args.own_portal,
            collectstatic=not args.no_collectstatic,
            pages=pages,
        )
        port = args.port or free_port()
        env = bench_environment(allowed_hosts=f"{host},127.0.0.1")
        log_path = OUTPUT_DIR / "gunicorn.log"
        estimate = len(pages) * (args.warmup + args.duration)
        print(
            f"Measuring {len(pages)} pages on http://127.0.0.1:{port} as {host} "
            f"(about {estimate} s; gunicorn log: {log_path.relative_to(BASE_DIR)})",
            flush=True,
        )
        results = []
        with gunicorn_running(port=port, workers=args.workers, env=env, log_path=log_path) as gp:
            wait_until_ready(process=gp, port=port, host=host, log_path=log_path)
            for name, path in pages:
                print(f"  {name} ({path})...", end=" ", flush=True)
                result = measure(
                    name=name, path=path, port=port, host=host, queries=queries.get(path),
                    args=args,
                )  # fmt: skip
                print(f"{result.requests_per_s:.0f} req/s", flush=True)
                results.append(result)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    add_ratios(results)
    print_table(results, host=host)
    write_json(results, host=host, args=args, output=args.output)
    print(f"\nWrote {args.output}")
    failing = [r for r in results if r.errors]
    if failing:
        names = ", ".join(f"{r.path} ({r.errors}, e.g. HTTP {r.first_status})" for r in failing)
        print(f"Errors (non-2xx or socket) on: {names}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long creating a portal takes, three ways, timed in one process on the same database.

- **migrate**: a new schema with every tenant migration run into it (``migrate=True``), the
  obvious way and the slow one (13-15 s measured before; shared/FIELD-NOTES.md).
- **clone**: a copy of the migrated template schema made on the spot (``use_pool=False``).
- **pool**: a ready clone renamed into place (the default ``portal_create``); the pool is topped
  up with ``pool_refill()`` before each creation, outside the timed region, as
  ``create_portal`` does after answering the operator.

Each creation includes what the operator waits for: validation, the Organization and Domain rows,
the schema, and the new portal's site, home page and staff account, in one transaction. The three
ways are interleaved so that a slower machine moment or a growing catalogue affects them alike.
Every portal made here (slugs ``bench-mig-01``, ``bench-cln-01``, ``bench-pool-01``... on
``*.bench.localhost``) is deleted at the end, on errors and Ctrl-C too, and leftovers of an
interrupted run are deleted at the start.

    .venv/bin/python bench/provisioning.py [--count 20]

The migrate way takes 10-15 s per portal, so the default run takes about 5 minutes.
Writes ``var/bench/provisioning.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))  # run as a script: make `portal` importable

OUTPUT = BASE_DIR / "var" / "bench" / "provisioning.json"
SLUG_PREFIX = "bench-"
LEFTOVER_SCHEMA = re.compile(r"^bench_(mig|cln|pool)_\d+$")
WAYS = ("migrate", "clone", "pool")
SHORT = {"migrate": "mig", "clone": "cln", "pool": "pool"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20, help="Portals per way (20).")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="Where to write JSON.")
    args = parser.parse_args(argv)
    if not 1 <= args.count <= 99:
        parser.error("--count must be between 1 and 99.")
    return args


def setup_django() -> None:
    """Production-like settings (no DEBUG query log) on the project's database."""
    os.environ.pop("GUILDHALL_TESTING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-guildhall-provisioning-0123456789")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def percentile(values: list[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), for small samples too."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def delete_bench_portals() -> list[str]:
    """Delete every ``bench-*`` portal and any orphan ``bench_*`` schema this script could leave."""
    from django.db import connection

    from portal.tenants.models import Organization
    from portal.tenants.services import portal_delete

    slugs = list(
        Organization.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
    )
    for slug in slugs:
        portal_delete(slug=slug)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_%%'")
        orphans = [name for (name,) in cursor.fetchall() if LEFTOVER_SCHEMA.match(name)]
        owned = set(Organization.objects.values_list("schema_name", flat=True))
        for schema in orphans:
            if schema not in owned:
                cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return slugs


def create_one(way: str, index: int) -> float:
    """Create one portal the given way; return the seconds the creation itself took."""
    from portal.tenants.services import pool_refill, portal_create

    slug = f"{SLUG_PREFIX}{SHORT[way]}-{index:02d}"
    options = {
        "migrate": {"migrate": True},
        "clone": {"use_pool": False},
        "pool": {"use_pool": True},
    }[way]
    if way == "pool":
        pool_refill()  # not timed: create_portal does it after the operator has the answer
    started = time.perf_counter()
    portal_create(
        slug=slug,
        name=f"Bench {way} {index:02d}",
        domain=f"{slug}.bench.localhost",
        admin_email=f"staff@{slug}.bench.localhost",
        **options,
    )
    return time.perf_counter() - started


def timed(label: str, action: Callable[[], object]) -> object:
    print(f"{label}...", end=" ", flush=True)
    started = time.perf_counter()
    result = action()
    print(f"{time.perf_counter() - started:.1f} s", flush=True)
    return result


def summarise(seconds: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        way: {
            "p50_s": statistics.median(values),
            "p95_s": percentile(values, 95),
            "min_s": min(values),
            "max_s": max(values),
            "count": len(values),
        }
        for way, values in seconds.items()
        if values
    }


def print_summary(summary: dict[str, dict[str, float]]) -> dict[str, float]:
    print(f"\n{'way':<8} {'n':>3} {'p50 s':>8} {'p95 s':>8} {'min s':>8} {'max s':>8}")
    for way, stats in summary.items():
        print(
            f"{way:<8} {stats['count']:>3} {stats['p50_s']:>8.3f} {stats['p95_s']:>8.3f}"
            f" {stats['min_s']:>8.3f} {stats['max_s']:>8.3f}"
        )
    ratios = {}
    migrate = summary.get("migrate", {}).get("p50_s")
    for way in ("clone", "pool"):
        other = summary.get(way, {}).get("p50_s")
        if migrate and other:
            ratios[f"migrate/{way}"] = migrate / other
            print(f"p50 migrate / {way}: {migrate / other:.1f}x")
    return ratios


def _raise_on_sigterm(signum, frame):
    raise SystemExit(f"Stopped by signal {signum}.")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)  # so the portals are deleted on `kill` too
    setup_django()
    from django.db import connection

    from portal.tenants.services import pool_refill, template_ensure

    seconds: dict[str, list[float]] = {way: [] for way in WAYS}
    try:
        leftovers = delete_bench_portals()
        if leftovers:
            print(f"Deleted {len(leftovers)} portal(s) left by an earlier run.")
        rebuilt = timed("Template schema", lambda: template_ensure(verbosity=0))
        print("  (rebuilt: the migrations changed)" if rebuilt else "  (up to date)")
        timed("Pool of ready clones", pool_refill)
        total = args.count * len(WAYS)
        print(f"Creating {args.count} portals each way ({total}); migrate takes 10-15 s each.")
        for index in range(1, args.count + 1):
            for way in WAYS:
                took = create_one(way, index)
                seconds[way].append(took)
                done = sum(len(values) for values in seconds.values())
                print(f"  [{done:>3}/{total}] {way:<7} {took:7.3f} s", flush=True)
    finally:
        connection.set_schema_to_public()
        deleted = delete_bench_portals()
        print(f"Deleted the {len(deleted)} bench portal(s).")
        pool_refill()  # leave the pool as full as we found it

    summary = summarise(seconds)
    ratios = print_summary(summary)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL",
        "cpus": os.cpu_count(),
        "summary": summary,
        "p50_ratios": ratios,
        "seconds": seconds,
    }
    args.output.write_text(json.dumps(document, indent=2) + "\n")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

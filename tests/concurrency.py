"""Run writes at the same moment, as concurrent requests would, to test races for real.

Each call runs in its own thread with its own database connection, inside the given portal's
schema, and all of them are released together by a barrier. Needs a transactional test (the
``fresh_tenant`` fixture), since rows made inside a test transaction are invisible to other
connections.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def race(tenant, calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run ``calls`` at once in ``tenant``'s schema; return the exceptions they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            with tenant.activate():
                barrier.wait()
                call()
        except BaseException as error:  # noqa: BLE001 - returned to the test to assert on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors

"""A test helper for races: run calls in threads released at the same moment, each on its own
database connection (real transactions, on SQLite and PostgreSQL)."""

import threading
from collections.abc import Callable, Sequence

from django.db import close_old_connections, connection


def at_once(calls: Sequence[Callable[[], object]], *, timeout: float = 30) -> list:
    """What each call returned, or the exception it raised, in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout * 2)
    close_old_connections()
    return results

"""Ending a process pool for certain: the one place dlrig stops worker processes."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end every worker, a job in progress included.

    ``shutdown(wait=False)`` alone leaves a worker blocked on its queue, orphaned, when the
    parent exits at once (a signal, an error): each one is terminated and reaped here."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # the executor keeps no public list
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)

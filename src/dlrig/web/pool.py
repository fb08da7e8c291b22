"""Plans and frontiers off the request threads: a bounded pool, answered 503 when it is full.

A plan is seconds of CP-SAT; the ranking or a check is milliseconds. Run in the server's own
process, two plans took a core each and the cheap routes fell from 326 to 35 requests/s
(issue 18). Here a plan runs in one of ``workers`` processes (``dlrig serve --workers N``),
each with its own catalog, loaded once, at a lower CPU priority than the server (nice 10);
the server's threads only wait for the answer. When
every worker is busy a new plan is not queued behind them (where it would time out or hold a
connection for minutes) but answered at once: HTTP 503 with ``Retry-After``, the expected
wait, learnt from the plans so far.

``workers=0`` runs plans in the request's thread (tests, and apps made with a catalog that
cannot travel to another process), still at most ``slots`` at once. Answers to requests
already seen come from a small cache: the same plan asked twice is solved once.

A job is a module-level function ``fn(catalog, *args)`` returning plain JSON data (or the
page's context). In a worker, a ``DlrigError`` cannot always be pickled (its subclasses take
other arguments), so it travels back as its JSON document and HTTP status and is raised here
as ``RemoteError``, which the app's error handlers treat like the original.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from dlrig.errors import DlrigError

log = logging.getLogger("dlrig.web")

DEFAULT_WORKERS = 2  # plans at once; each takes a core while it solves
WAIT_S = 180.0  # the longest a request waits for its plan (the solver's own limit is at most 60 s)
CACHED_ANSWERS = 64
# Workers run at a lower CPU priority than the server: while plans solve on every core, a cheap
# request still gets the CPU when it needs it (a plan takes a few ms longer; a page view is not
# stuck behind seconds of solving).
WORKER_NICE = 10


class Busy(DlrigError):
    """Every plan worker is busy: HTTP 503 with ``Retry-After`` (never a queue that times out)."""

    status = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RemoteError(DlrigError):
    """A ``DlrigError`` raised in a worker process: its JSON document, message, field and status."""

    def __init__(self, doc: dict[str, Any], status: int) -> None:
        super().__init__(str(doc.get("error", "")), doc.get("field") if isinstance(doc.get("field"), str) else None)
        self.doc, self.status = doc, status

    def to_json(self) -> dict[str, object]:
        return dict(self.doc)


class PlanPool:
    """At most ``slots`` jobs at once, in ``workers`` processes (or inline when ``workers`` is 0)."""

    def __init__(self, workers: int, catalog: Any = None, slots: int | None = None) -> None:
        self.workers = workers
        self.slots = slots or workers or DEFAULT_WORKERS
        self._catalog = catalog  # inline: the catalog itself; workers: what each worker opens
        self._free = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._seconds = 5.0  # the mean job time so far (a first guess until one has run)
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker processes and load their catalogs now, not on the first plan."""
        if self.workers:
            pool = self._pool()
            for f in [pool.submit(_warm) for _ in range(self.workers)]:
                f.result(timeout=WAIT_S)

    def close(self) -> None:
        """Stop the workers, a plan in progress included: shutdown() alone leaves a worker blocked
        on its queue, orphaned, when the server exits at once (SIGTERM)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            from dlrig.pools import stop_pool

            stop_pool(executor)

    def _pool(self) -> ProcessPoolExecutor:
        import multiprocessing as mp

        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                                     initializer=_init_worker, initargs=(self._catalog,))
            return self._executor

    # -- running ----------------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], *args: Any, catalog: Any = None) -> Any:
        """``fn(catalog, *args)`` in a free worker, or Busy at once when none is free. Inline,
        ``catalog`` is the app's; in a worker, the worker's own."""
        key = (fn.__module__, fn.__qualname__, *args)
        hit = self._cached(key)
        if hit is not None:
            return hit
        if not self._free.acquire(blocking=False):
            raise Busy(f"all {self.slots} planner workers are busy with other plans; try again in a few seconds",
                       self.retry_after())
        started = time.monotonic()
        try:
            result = self._inline(fn, catalog, args) if not self.workers else self._remote(fn, args)
        finally:
            self._learn(time.monotonic() - started)
        self._remember(key, result)
        return result

    def _inline(self, fn: Callable[..., Any], catalog: Any, args: tuple[Any, ...]) -> Any:
        try:
            return fn(catalog, *args)
        finally:
            self._free.release()

    def _remote(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        try:
            future: Future[Any] = self._pool().submit(_call, fn, args)
        except (BrokenProcessPool, RuntimeError) as exc:  # a worker died earlier: start afresh
            self._free.release()
            self._reset(exc)
            raise Busy("the planner's workers restarted; try again", 1) from None
        future.add_done_callback(lambda _: self._free.release())  # the slot is free when the job is
        try:
            kind, payload = future.result(timeout=WAIT_S)
        except FutureTimeout:
            raise Busy(f"the plan took more than {WAIT_S:.0f} s", self.retry_after()) from None
        except BrokenProcessPool as exc:  # the worker was killed (memory?) while solving
            self._reset(exc)
            raise Busy("a planner worker stopped while solving; try again", 1) from None
        if kind == "ok":
            return payload
        if kind == "error":
            raise RemoteError(payload["doc"], payload["status"])
        raise RuntimeError(f"in a planner worker: {payload}")

    def _reset(self, exc: BaseException) -> None:
        log.warning("planner pool restarted after %s", type(exc).__name__)
        self.close()

    @property
    def busy(self) -> int:
        """Jobs in progress now."""
        return self.slots - self._free._value  # BoundedSemaphore keeps no public count

    def retry_after(self) -> int:
        """Seconds until a worker is likely free: the mean job time, whole, at least 1."""
        return max(1, min(int(self._seconds + 0.999), 120))

    def _learn(self, seconds: float) -> None:
        self._seconds = 0.8 * self._seconds + 0.2 * seconds

    # -- the answers already given ----------------------------------------------------------
    def _cached(self, key: Hashable) -> Any:
        try:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
        except TypeError:  # an argument that cannot be a key: no cache for it
            pass
        return None

    def _remember(self, key: Hashable, result: Any) -> None:
        try:
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > CACHED_ANSWERS:
                    self._cache.popitem(last=False)
        except TypeError:
            pass


# -- in the worker processes ------------------------------------------------------------------
_CATALOG: Any = None


def _init_worker(spec: Any) -> None:
    """Open the worker's catalog: the packaged one, or what ``spec`` makes (a picklable function)."""
    import contextlib
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server ends us
    with contextlib.suppress(OSError, AttributeError):  # a plan waits its turn behind a page view
        os.nice(WORKER_NICE)
    global _CATALOG
    if spec is None:
        from dlrig.catalog.store import default_catalog

        _CATALOG = default_catalog()
    elif callable(spec) and not hasattr(spec, "resolve"):
        _CATALOG = spec()
    else:
        _CATALOG = spec


def _warm() -> None:
    """Import the planner and touch the catalog, so the first plan pays for neither."""
    import dlrig.services.plan  # noqa: F401

    _CATALOG.book_infos  # noqa: B018


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    from dlrig.web.app import status_of

    try:
        return "ok", fn(_CATALOG, *args)
    except DlrigError as exc:
        return "error", {"doc": _plain(exc.to_json()), "status": status_of(exc)}
    except Exception as exc:  # a bug: its type and message; the server logs it
        log.exception("planner worker")
        return "bug", f"{type(exc).__name__}: {exc}"


def _plain(doc: Any) -> Any:
    from dlrig.jsondoc import plain

    return plain(doc)


# -- the jobs (module-level, so a worker process can import them by name) ---------------------
def plan_doc(catalog: Any, req: Any, boxes: int | None) -> Any:
    """``POST /api/plan``: the plan's JSON document."""
    from dlrig.services import plan as service

    return _plain(service.plan(req, catalog, boxes))


def plan_infer_doc(catalog: Any, req: Any) -> Any:
    """``POST /api/plan/infer``: the inference plan's JSON document."""
    from dlrig.services.plan_infer import plan_infer

    return _plain(plan_infer(req, catalog))


def frontier_doc(catalog: Any, req: Any) -> Any:
    """``POST /api/plan`` with ``frontier``: the frontier's JSON document."""
    from dlrig.services import plan as service

    return _plain(service.frontier(req, catalog))


def plan_page(catalog: Any, pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The planner page's result context for its form (plain data and markup)."""
    from dlrig.web import views
    from dlrig.web.forms import Form

    return views.plan_result(catalog, Form(pairs))

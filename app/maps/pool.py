"""PNG rendering off the request threads: a few worker processes behind a bounded queue.

resvg holds the GIL for a second or more on a large map, so rendered in the server's own threads
four PNGs at once froze every other request. In worker processes they cannot; and when the queue
is full the request is turned away at once (503 with Retry-After) instead of piling up work that
would answer after its client has gone.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import signal
import sys
import threading
from concurrent.futures import Executor, ProcessPoolExecutor

from cachetools import LRUCache

from app.maps import raster

RETRY_AFTER = 2  # seconds: about one large render


class Busy(Exception):
    """Every render slot is taken."""


def _die_with_parent() -> None:
    """A worker ends when the server does, however the server ends: a server killed or stopped before
    its shutdown reached the pool left its workers running for ever (Linux: PR_SET_PDEATHSIG; the
    workers are forked once, at start-up, by the thread that runs the server). SIGKILL, because a forked
    worker inherits the server's SIGTERM handler, which only asks the (copied) server to stop."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class RasterPool:
    """png(svg, width) in `workers` processes, at most `queue` more waiting; workers=0 renders in-process."""

    def __init__(self, workers: int = 2, queue: int = 6) -> None:
        self.workers = workers
        self._slots = threading.BoundedSemaphore(max(1, workers) + max(0, queue))
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        # the last renders, since a map is often asked for twice in a row (its PNG, then the handout)
        self._done: LRUCache[tuple[str, int], bytes] = LRUCache(maxsize=32)

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                # fork where there is fork: spawn would re-run the __main__ of whoever embeds the app (a
                # script without a main guard starts itself again). start() forks the workers before
                # the server has request threads, so no child inherits a lock held mid-request.
                method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
                self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method),
                                                     initializer=_die_with_parent)
            return self._executor

    def start(self) -> None:
        """Start the workers now (at server start-up) rather than at the first image request."""
        if self.workers:
            self._pool().submit(int).result()

    def png(self, svg: str, width: int) -> bytes:
        key = (hashlib.blake2b(svg.encode(), digest_size=16).hexdigest(), width)
        with self._lock:
            hit = self._done.get(key)
        if hit is not None:
            return hit
        if not self._slots.acquire(blocking=False):
            raise Busy(f"all {self.workers or 1} image renderers are busy; try again in {RETRY_AFTER} s")
        try:
            out = raster.render(svg, width) if self.workers == 0 else self._pool().submit(
                raster.render, svg, width).result()
        finally:
            self._slots.release()
        with self._lock:
            self._done[key] = out
        return out

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

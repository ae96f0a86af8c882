"""Running a query with a time limit that Ctrl-C can also cut short.

Two ways, one for each engine, both leaving nothing running past the limit:

- :func:`run_with_timeout` runs rdflib's engine (pure Python) in a helper thread while
  the caller waits in short steps; at the limit or at Ctrl-C the thread is stopped by an
  exception raised into it at its next Python instruction.
- :func:`run_in_child` runs Oxigraph's engine (native code, which no exception can
  reach) in a forked child process that hands back the serialised answer; at the limit or
  at Ctrl-C the child is killed. Where there is no ``fork`` (Windows) it falls back to a
  thread, and a runaway Oxigraph operator then finishes in the background.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .errors import QueryTimeoutError

__all__ = ["DEFAULT_TIMEOUT", "ChildError", "Stopped", "run_in_child", "run_with_timeout"]

#: Seconds a query may run before it is stopped (``kg.sparql(..., timeout=...)``).
DEFAULT_TIMEOUT = 60.0

T = TypeVar("T")


class Stopped(BaseException):
    """Raised inside a query's thread to stop it (not an Exception: nothing catches it)."""


def run_with_timeout(work: Callable[[Callable[[], None]], T], seconds: float | None) -> T:
    """``work(check)`` within ``seconds`` (``None``: no limit, but Ctrl-C still works).

    ``work`` calls ``check()`` between rows; it raises :class:`Stopped` once the caller
    gave up. Raises :class:`~cimo_graph.QueryTimeoutError` past the limit.
    """
    stop = threading.Event()
    # held while a stop is sent, and by the worker as it ends: no stop lands after its end
    ending = threading.Lock()
    ended: list[bool] = []

    def check() -> None:
        if stop.is_set():
            raise Stopped

    outcome: list[tuple[bool, object]] = []

    def run() -> None:
        try:
            try:
                outcome.append((True, work(check)))
            except Stopped:
                pass
            except BaseException as error:  # handed to the caller's thread
                outcome.append((False, error))
            with ending:
                ended.append(True)
        except Stopped:  # a second stop, sent as the first one ended the work
            with ending:
                ended.append(True)

    worker = threading.Thread(target=run, name="cimo-graph-query", daemon=True)
    deadline = None if seconds is None else time.monotonic() + seconds
    worker.start()
    try:
        while worker.is_alive() and not outcome:
            step = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            if step <= 0:
                raise QueryTimeoutError(seconds)  # type: ignore[arg-type]
            worker.join(step)
    except BaseException:  # the limit, or Ctrl-C while waiting: stop the query too
        _abandon(worker, stop, ending, ended)
        raise
    if not outcome:
        raise QueryTimeoutError(seconds or 0.0)
    done, value = outcome[0]
    if done:
        return value  # type: ignore[return-value]
    raise value  # type: ignore[misc]


def _abandon(
    worker: threading.Thread, stop: threading.Event, ending: threading.Lock, ended: list[bool]
) -> None:
    stop.set()
    if worker.ident is None:
        return
    import ctypes

    def stop_it() -> None:
        # raised at the thread's next Python instruction: stops rdflib's engine at once.
        # Raised again until the thread ends: one that lands in a finalizer is swallowed
        for _ in range(600):
            with ending:
                if ended or not worker.is_alive():
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(worker.ident or 0), ctypes.py_object(Stopped)
                )
            worker.join(0.05)

    threading.Thread(target=stop_it, name="cimo-graph-stop", daemon=True).start()


class ChildError(Exception):
    """An error raised by the work in the child process: ``kind`` is its type's name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def run_in_child(produce: Callable[[], bytes], seconds: float | None) -> bytes:
    """``produce()`` in a forked child process, within ``seconds`` (``None``: no limit).

    The child shares the parent's memory as it was (copy on write), so the store need not
    be copied; it writes the bytes ``produce`` returns into a pipe and exits. Raises
    :class:`~cimo_graph.QueryTimeoutError` past the limit, ``KeyboardInterrupt`` at
    Ctrl-C (the child is killed either way), :class:`ChildError` for an error in it.
    """
    if not hasattr(os, "fork"):
        return run_with_timeout(lambda check: produce(), seconds)
    import select
    import signal
    import warnings

    reader, writer = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns of fork() beside threads (a notebook's kernel has some): the
        # child only runs the query and writes to the pipe, taking no lock another
        # thread may hold
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(reader)
            try:
                data = b"0" + produce()
            except BaseException as error:
                data = b"1" + f"{type(error).__name__}\n{error}".encode("utf-8", "replace")
            view = memoryview(data)
            while view:
                view = view[os.write(writer, view) :]
            os.close(writer)  # the parent reads on at once, not after this process's end
        finally:
            os._exit(0)
    os.close(writer)
    deadline = None if seconds is None else time.monotonic() + seconds
    pieces: list[bytes] = []
    finished = False
    try:
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise QueryTimeoutError(seconds)  # type: ignore[arg-type]
            ready, _, _ = select.select([reader], [], [], wait)
            if ready:
                piece = os.read(reader, 1 << 20)
                if not piece:
                    finished = True
                    break
                pieces.append(piece)
    finally:
        os.close(reader)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        _reap(pid)
    data = b"".join(pieces)
    if data[:1] == b"0":
        return data[1:]
    kind, _, message = data[1:].decode("utf-8", "replace").partition("\n")
    raise ChildError(kind or "Error", message or "the query process ended without an answer")


_ENDED: list[int] = []
_REAPER: list[threading.Thread] = []
_REAPER_LOCK = threading.Lock()


def _reap(pid: int) -> None:
    """Collect the child's exit without waiting for it: a process unmapping a large
    memory takes milliseconds to end, which the caller need not spend."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return
    except ChildProcessError:
        return
    with _REAPER_LOCK:
        _ENDED.append(pid)
        if not _REAPER or not _REAPER[0].is_alive():
            _REAPER[:] = [threading.Thread(target=_reaper, name="cimo-graph-reaper", daemon=True)]
            _REAPER[0].start()


def _reaper() -> None:
    while True:
        with _REAPER_LOCK:
            if not _ENDED:
                _REAPER.clear()
                return
            pid = _ENDED.pop()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

bind = "0.0.0.0:8000"

# Seconds a worker gets after SIGTERM to finish its requests and run the shutdown handlers.
graceful_timeout = 8

loglevel = "info"

# >>> create-graceful-shutdown: run the app's shutdown handlers in each worker >>>
import errno as _graceful_shutdown_errno
import mmap as _graceful_shutdown_mmap
import os as _graceful_shutdown_os
import socket as _graceful_shutdown_socket
import struct as _graceful_shutdown_struct
import sys as _graceful_shutdown_sys
import time as _graceful_shutdown_time
from typing import Any as _GracefulShutdownAny

# Hooks of the same names defined above this block keep running, before this block's own work.
_graceful_shutdown_previous_worker_exit = globals().get("worker_exit")
_graceful_shutdown_previous_when_ready = globals().get("when_ready")
_graceful_shutdown_previous_post_worker_init = globals().get("post_worker_init")


def worker_exit(server: _GracefulShutdownAny, worker: _GracefulShutdownAny) -> None:
    """Runs in the worker after it has finished its last request (never in a signal handler)."""
    try:
        _graceful_shutdown_drain_backlog(worker)
    finally:
        try:
            if callable(_graceful_shutdown_previous_worker_exit):
                _graceful_shutdown_previous_worker_exit(server, worker)
        finally:
            _graceful_shutdown_run_handlers()


def _graceful_shutdown_run_handlers() -> None:
    # Only a module the app imported holds handlers; importing it here would find none.
    module = _graceful_shutdown_sys.modules.get("app.signal_handlers")
    registries = [module] if module is not None else [
        m
        for m in list(_graceful_shutdown_sys.modules.values())
        if getattr(m, "GRACEFUL_SHUTDOWN_REGISTRY", False) is True
    ]
    for registry in registries:
        registry.run_shutdown_handlers()


# The listen backlog. A sync worker takes one connection at a time and stops taking any at SIGTERM;
# connections still waiting in the kernel's queue are reset when the last worker closes the socket
# (measured: 2 of 10 answered, bench/gunicorn-backlog of create-graceful-shutdown). So, for sync
# workers only, and only when the master stops for good (SIGTERM, no re-exec'd master or systemd
# sharing the socket): each worker, once it has finished the request in hand, keeps answering what
# is queued, one connection at a time, until the queue is empty. Then it stops the socket listening
# for every worker (new connections are refused, not queued and reset). Under load that keeps
# coming the queue never empties: at half of graceful_timeout the worker takes what is queued,
# stops the socket and answers what it took, up to graceful_timeout (when gunicorn kills it anyway).
_GRACEFUL_SHUTDOWN_STATE = "_graceful_shutdown_backlog_state"


def _graceful_shutdown_is_sync(worker_class: _GracefulShutdownAny) -> bool:
    return (
        getattr(worker_class, "__module__", None) == "gunicorn.workers.sync"
        and getattr(worker_class, "__name__", None) == "SyncWorker"
    )


def when_ready(server: _GracefulShutdownAny) -> None:
    """Runs in the master once it listens, before it starts the workers."""
    if callable(_graceful_shutdown_previous_when_ready):
        _graceful_shutdown_previous_when_ready(server)
    _graceful_shutdown_mark_stop(server)


def _graceful_shutdown_mark_stop(server: _GracefulShutdownAny) -> None:
    if not _graceful_shutdown_is_sync(server.worker_class):
        return
    # Shared with the workers forked later (a MAP_SHARED page): byte 0 set = the master is stopping
    # for good; bytes 8-16 = when, on the monotonic clock. Kept on the app object, which the master
    # keeps across config reloads (HUP) and hands to every worker.
    state = _graceful_shutdown_mmap.mmap(-1, 16)
    setattr(server.app, _GRACEFUL_SHUTDOWN_STATE, state)
    graceful_stop = server.handle_term

    def handle_term() -> None:
        # gunicorn's own test for "nobody else holds these sockets" (it unlinks them then).
        if getattr(server, "reexec_pid", 1) == 0 and getattr(server, "master_pid", 1) == 0 and getattr(server, "systemd", True) is False:
            _graceful_shutdown_struct.pack_into("d", state, 8, _graceful_shutdown_time.monotonic())
            state[0] = 1
        graceful_stop()

    server.handle_term = handle_term


def post_worker_init(worker: _GracefulShutdownAny) -> None:
    """Runs in each worker once it has loaded the app."""
    if callable(_graceful_shutdown_previous_post_worker_init):
        _graceful_shutdown_previous_post_worker_init(worker)
    state: _GracefulShutdownAny = getattr(getattr(worker, "app", None), _GRACEFUL_SHUTDOWN_STATE, None)
    if state is None or not _graceful_shutdown_is_sync(type(worker)):
        return
    accept = worker.accept

    def accept_while_listening(listener: _GracefulShutdownAny) -> None:
        try:
            accept(listener)
        except OSError as error:
            # Another worker has stopped the shared socket listening: stop as at SIGTERM (which is
            # on its way) instead of failing on a socket that no longer listens.
            if error.errno == _graceful_shutdown_errno.EINVAL and state[0] == 1:
                worker.alive = False
                raise BlockingIOError(_graceful_shutdown_errno.EAGAIN, "stopped listening") from None
            raise

    worker.accept = accept_while_listening


def _graceful_shutdown_drain_backlog(worker: _GracefulShutdownAny) -> None:
    state: _GracefulShutdownAny = getattr(getattr(worker, "app", None), _GRACEFUL_SHUTDOWN_STATE, None)
    if state is None or state[0] != 1 or worker.pid != _graceful_shutdown_os.getpid():
        return  # not stopping for good (reload, max_requests, parent gone), or not in a worker
    if not _graceful_shutdown_is_sync(type(worker)):
        return
    stopped_at: float = _graceful_shutdown_struct.unpack_from("d", state, 8)[0]
    graceful_timeout = float(worker.cfg.graceful_timeout)
    take_rest_at = stopped_at + graceful_timeout / 2
    give_up_at = stopped_at + graceful_timeout
    listening = list(worker.sockets)
    taken: "list[tuple[_GracefulShutdownAny, _GracefulShutdownAny, _GracefulShutdownAny]]" = []
    while listening:
        share = _graceful_shutdown_time.monotonic() < take_rest_at and _graceful_shutdown_os.getppid() == worker.ppid
        for listener in list(listening):
            try:
                client, addr = listener.accept()
            except ConnectionAbortedError:
                continue
            except BlockingIOError:
                _graceful_shutdown_stop_listening(listener)  # the queue is empty
                listening.remove(listener)
                continue
            except OSError:
                listening.remove(listener)  # another worker has stopped it
                continue
            if share:
                _graceful_shutdown_answer(worker, listener, client, addr)
            else:
                taken.append((listener, client, addr))
    for listener, client, addr in taken:
        if _graceful_shutdown_time.monotonic() < give_up_at:
            _graceful_shutdown_answer(worker, listener, client, addr)
        else:
            client.close()


def _graceful_shutdown_stop_listening(listener: _GracefulShutdownAny) -> None:
    try:
        listener.shutdown(_graceful_shutdown_socket.SHUT_RD)
    except OSError:
        pass  # another worker has stopped it already


def _graceful_shutdown_answer(worker: _GracefulShutdownAny, listener: _GracefulShutdownAny, client: _GracefulShutdownAny, addr: _GracefulShutdownAny) -> None:
    client.setblocking(True)
    worker.handle(listener, client, addr)  # answers one request and closes the connection
# <<< create-graceful-shutdown <<<

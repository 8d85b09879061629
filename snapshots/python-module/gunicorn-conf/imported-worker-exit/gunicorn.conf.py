from myapp.hooks import on_worker_exit

workers = 2
worker_exit = on_worker_exit

# Seconds a worker gets after SIGTERM to finish its requests and run the shutdown handlers.
graceful_timeout = 8

# >>> create-graceful-shutdown: run the app's shutdown handlers in each worker >>>
import sys as _graceful_shutdown_sys
from typing import Any as _GracefulShutdownAny

# A worker_exit hook defined above this block keeps running, before the handlers.
_graceful_shutdown_previous_worker_exit = globals().get("worker_exit")


def worker_exit(server: _GracefulShutdownAny, worker: _GracefulShutdownAny) -> None:
    """Runs in the worker after it has finished its last request (never in a signal handler)."""
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
# <<< create-graceful-shutdown <<<

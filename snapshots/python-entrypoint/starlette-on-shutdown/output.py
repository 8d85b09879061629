from starlette.applications import Starlette

from signal_handlers import run_shutdown_handlers_async

events: list[str] = []


def close_db() -> None:
    events.append("close_db")


application = Starlette(routes=[], on_shutdown=[close_db, run_shutdown_handlers_async])

import asyncio
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from signal_handlers import lifespan


def event(name: str) -> None:
    with open(os.environ["EVENTS_FILE"], "a", encoding="utf-8") as f:
        f.write(name + "\n")


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def slow(request: Request) -> JSONResponse:
    event("request:start")
    await asyncio.sleep(float(os.environ.get("REQUEST_SECONDS", "1")))
    event("request:done")
    return JSONResponse({"status": "done"})


app = Starlette(routes=[
    Route("/health", health),
    Route("/slow", slow),
], lifespan=lifespan)

import asyncio
import os

from aiohttp import web


def _log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


async def health(request):
    return web.Response(text="ok")


async def slow(request):
    _log("request:start")
    await asyncio.sleep(float(os.environ.get("SLOW_SECONDS", "1")))
    _log("request:end")
    return web.Response(text="done")

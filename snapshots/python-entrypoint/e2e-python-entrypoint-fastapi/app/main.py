"""Orders API: a FastAPI app in a package, started as `uvicorn app.main:app`."""
import asyncio
import os
from typing import Dict

from fastapi import FastAPI

from .events import event
from .signal_handlers import hook_lifespan

app = FastAPI(title="orders")
hook_lifespan(app)


@app.on_event("shutdown")
async def flush_metrics() -> None:
    event("on_event:shutdown")


@app.get("/health")
async def health() -> Dict[str, str]:
    return {"status": "ok"}


@app.get("/slow")
async def slow() -> Dict[str, str]:
    event("request:start")
    await asyncio.sleep(float(os.environ.get("REQUEST_SECONDS", "1")))
    event("request:done")
    return {"status": "done"}

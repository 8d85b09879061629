"""Inventory API: a FastAPI app in the `app` package, started as `uvicorn app.main:app`."""
import asyncio
import os
from typing import Dict

from fastapi import FastAPI

from .tracing import trace
from .signal_handlers import hook_lifespan

app = FastAPI(title="inventory")
hook_lifespan(app)


@app.on_event("startup")
async def warm_cache() -> None:
    trace("app:startup")


@app.get("/health")
async def health() -> Dict[str, str]:
    return {"status": "ok"}


@app.get("/slow")
async def slow() -> Dict[str, str]:
    trace("request:start")
    await asyncio.sleep(1)
    trace("request:done")
    return {"status": "done"}

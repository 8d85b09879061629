"""Notes API: a FastAPI app in one module, started as `uvicorn main:app` (see Dockerfile)."""
import asyncio
import os
from typing import Dict

from fastapi import FastAPI

from signal_handlers import hook_lifespan

app = FastAPI(title="notes")
hook_lifespan(app)


def trace(text: str) -> None:
    # Lets a test see when a request is in flight; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


@app.get("/health")
async def health() -> Dict[str, str]:
    return {"status": "ok"}


@app.get("/slow")
async def slow() -> Dict[str, str]:
    trace("request:start")
    await asyncio.sleep(1)
    trace("request:done")
    return {"status": "done"}

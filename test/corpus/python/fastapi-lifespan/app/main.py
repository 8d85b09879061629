import asyncio
import os

from fastapi import FastAPI

from .db import pool

app = FastAPI()


def _log(event: str) -> None:
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


@app.on_event("startup")
async def open_pool() -> None:
    pool.connect()


@app.on_event("shutdown")
async def close_pool() -> None:
    pool.close()


@app.get("/health")
async def health() -> str:
    return "ok"


@app.get("/slow")
async def slow() -> dict[str, str]:
    _log("request:start")
    await asyncio.sleep(float(os.environ.get("SLOW_SECONDS", "1")))
    _log("request:end")
    return {"status": "done"}

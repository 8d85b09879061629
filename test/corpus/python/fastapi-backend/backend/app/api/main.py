import asyncio
import os

from fastapi import APIRouter

from app.api.events import log

api_router = APIRouter()


@api_router.get("/utils/health-check/")
async def health_check() -> bool:
    return True


@api_router.get("/slow")
async def slow() -> dict[str, str]:
    log("request:start")
    await asyncio.sleep(float(os.environ.get("SLOW_SECONDS", "1")))
    log("request:end")
    return {"status": "done"}

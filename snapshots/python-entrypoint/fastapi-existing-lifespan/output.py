from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from db import engine
from signal_handlers import wrap_lifespan


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await engine.connect()
    yield
    await engine.dispose()


app = FastAPI(
    title="billing",
    lifespan=wrap_lifespan(lifespan),  # opens and closes the pool
)

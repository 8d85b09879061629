import asyncio

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index() -> str:
    return "ok"


@app.get("/slow")
async def slow() -> str:
    # A request still being worked on when the stop signal arrives.
    await asyncio.sleep(1)
    return "done"

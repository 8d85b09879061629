import asyncio

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def list_reports() -> dict[str, list[str]]:
    # Reports are assembled from the warehouse; that takes a moment.
    await asyncio.sleep(0.2)
    return {"reports": []}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}

import logging

from fastapi import FastAPI

from signal_handlers import hook_lifespan

log = logging.getLogger(__name__)

app = FastAPI(title="orders")
hook_lifespan(app)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

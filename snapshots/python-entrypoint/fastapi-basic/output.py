import logging

from fastapi import FastAPI

from signal_handlers import wrap_lifespan

log = logging.getLogger(__name__)

app = FastAPI(title="orders")
app.router.lifespan_context = wrap_lifespan(app.router.lifespan_context)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

# Windows-edited service
from fastapi import FastAPI

from signal_handlers import wrap_lifespan

api = FastAPI(
    title="crlf",  # keep
)
api.router.lifespan_context = wrap_lifespan(api.router.lifespan_context)


@api.get("/")
def root():
    return {"ok": True}

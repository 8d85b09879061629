# Windows-edited service
from fastapi import FastAPI

from signal_handlers import hook_lifespan

api = FastAPI(
    title="crlf",  # keep
)
hook_lifespan(api)


@api.get("/")
def root():
    return {"ok": True}

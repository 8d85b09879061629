from fastapi import FastAPI

from .config import settings
from .routes import router
from .signal_handlers import hook_lifespan

app = FastAPI(title=settings.name)
hook_lifespan(app)
app.include_router(router)

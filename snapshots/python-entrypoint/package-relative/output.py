from fastapi import FastAPI

from .config import settings
from .routes import router
from .signal_handlers import wrap_lifespan

app = FastAPI(title=settings.name)
app.router.lifespan_context = wrap_lifespan(app.router.lifespan_context)
app.include_router(router)

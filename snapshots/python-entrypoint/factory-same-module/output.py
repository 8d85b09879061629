from fastapi import FastAPI

from signal_handlers import hook_lifespan


def create_app() -> FastAPI:
    """Build the app (tests call this too)."""
    application = FastAPI(
        title="factory",
        debug=False
    )
    hook_lifespan(application)

    @application.on_event("shutdown")
    async def bye() -> None:
        print("bye")

    return application


app = create_app()

from fastapi import FastAPI

from signal_handlers import wrap_lifespan


def create_app() -> FastAPI:
    """Build the app (tests call this too)."""
    application = FastAPI(
        title="factory",
        debug=False
    )
    application.router.lifespan_context = wrap_lifespan(application.router.lifespan_context)

    @application.on_event("shutdown")
    async def bye() -> None:
        print("bye")

    return application


app = create_app()

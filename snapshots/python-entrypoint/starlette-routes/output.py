from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from signal_handlers import lifespan


async def homepage(request):
    return PlainTextResponse("hi")


app = Starlette(
    debug=False,
    routes=[
        Route("/", homepage),
    ],
    lifespan=lifespan,
)

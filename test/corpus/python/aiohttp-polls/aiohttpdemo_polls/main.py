import logging
import os
import sys

from aiohttp import web

from aiohttpdemo_polls.views import health, slow


async def init_app(argv=None):
    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/slow", slow)
    return app


def main(argv):
    logging.basicConfig(level=logging.INFO)
    app = init_app(argv)
    web.run_app(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))


if __name__ == "__main__":
    main(sys.argv[1:])

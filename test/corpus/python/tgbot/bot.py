import asyncio
import logging
import os

from tgbot.config import load_config
from tgbot.polling import fetch_updates, handle


def log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


async def main():
    logging.basicConfig(level=logging.INFO)
    config = load_config()
    log("bot:ready")
    while True:
        for update in await fetch_updates(config):
            await handle(update)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, SystemExit):
        logging.error("Bot stopped")

import asyncio
import os


def _log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


async def fetch_updates(config):
    # Long polling stand-in: the Bot API holds the request open until an update arrives.
    await asyncio.sleep(config.poll_seconds)
    return [{"update_id": 1}]


async def handle(update):
    _log("update:start")
    await asyncio.sleep(float(os.environ.get("HANDLE_SECONDS", "0.2")))
    _log("update:end")

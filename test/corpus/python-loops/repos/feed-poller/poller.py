"""Polls a feed, stores the new entries, then idles until the next poll.

Shape of the asyncio pollers run as a worker process: `asyncio.run(main())` under the program's
own Ctrl+C message, a loop that awaits a round of work and then a helper that logs and awaits
`asyncio.sleep(...)` for the poll interval.
"""
import asyncio
import os
import sys

POLL_SECONDS = float(os.environ.get("POLL_SECONDS", "900"))


def trace(text: str) -> None:
    # Lets a test follow the rounds; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


async def store_new_entries(round_no: int) -> None:
    trace(f"store {round_no} start")
    await asyncio.sleep(1)  # the feed request and the database writes
    trace(f"store {round_no} done")


async def idle(seconds: float) -> None:
    trace("sleeping")
    await asyncio.sleep(seconds)


async def main() -> None:
    round_no = 0
    while True:
        round_no += 1
        await store_new_entries(round_no)
        await idle(POLL_SECONDS)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        trace("poller stopped by Ctrl+C")
        print("poller stopped", file=sys.stderr)

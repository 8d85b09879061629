"""Mail sender: an asyncio worker that sends one batch at a time, forever (`python worker.py`)."""
import asyncio
import os

from signal_handlers import setup_signal_handlers, keep_running


def trace(text: str) -> None:
    # Lets a test follow the jobs; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


async def send_batch(batch: int) -> None:
    trace(f"job {batch} start")
    await asyncio.sleep(1)
    trace(f"job {batch} done")


async def main() -> None:
    setup_signal_handlers()
    batch = 0
    while keep_running():
        batch += 1
        await send_batch(batch)


if __name__ == "__main__":
    asyncio.run(main())

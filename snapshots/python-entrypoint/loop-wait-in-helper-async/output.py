import asyncio
import os

from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep_async

POLL_SECONDS = float(os.environ.get("POLL_SECONDS", "60"))


async def fetch_updates() -> list[str]:
    await asyncio.sleep(0.1)  # the API call
    return []


async def idle(seconds: float) -> None:
    print("idle")
    await interruptible_sleep_async(seconds)


async def main() -> None:
    setup_signal_handlers()
    while keep_running():
        for update in await fetch_updates():
            print(update)
        await idle(POLL_SECONDS)


if __name__ == "__main__":
    asyncio.run(main())

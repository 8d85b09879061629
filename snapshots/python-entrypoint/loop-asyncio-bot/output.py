import asyncio
import os

from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep_async

TOKEN = os.environ.get("BOT_TOKEN", "")


async def check_updates() -> None:
    await asyncio.sleep(0)


async def main() -> None:
    setup_signal_handlers()
    while keep_running():
        await check_updates()
        if not TOKEN:
            await interruptible_sleep_async(5)
        await interruptible_sleep_async(60)


if __name__ == "__main__":
    asyncio.run(main())

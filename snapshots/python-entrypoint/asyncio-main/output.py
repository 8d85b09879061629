import asyncio

from signal_handlers import setup_signal_handlers


async def main() -> None:
    setup_signal_handlers()
    await asyncio.sleep(0.1)


if __name__ == "__main__": asyncio.run(main())

import asyncio
import sys

from signal_handlers import setup_signal_handlers, keep_running


async def poll() -> None:
    await asyncio.sleep(0.01)


async def main() -> int:
    setup_signal_handlers()
    try:
        while keep_running():
            await poll()
    finally:
        print("bye", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

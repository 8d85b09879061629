"""A long-polling chat bot: asks the API for new updates, answers each, then waits.

Shape of the asyncio Telegram/Discord bots: `asyncio.run(main())`, a polling loop with
`await asyncio.sleep(...)` between rounds, the program's own Ctrl+C message. Run by the Procfile.
"""
import asyncio
import json
import os
import sys
from typing import Dict, List

POLL_SECONDS = 60
INBOX = os.environ.get("BOT_INBOX", "inbox.jsonl")


def trace(text: str) -> None:
    # Lets a test follow the rounds; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


async def get_updates(offset: int) -> List[Dict[str, str]]:
    # Stands in for the HTTP long poll: new lines of the inbox file.
    if not os.path.exists(INBOX):
        return []
    with open(INBOX, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return [json.loads(line) for line in lines[offset:]]


async def answer(update: Dict[str, str]) -> None:
    trace(f"answer {update['text']} start")
    await asyncio.sleep(1)  # the API call that sends the reply
    trace(f"answer {update['text']} done")


async def main() -> None:
    offset = 0
    print("bot started", flush=True)
    trace("polling")
    while True:
        updates = await get_updates(offset)
        for update in updates:
            await answer(update)
        offset += len(updates)
        trace("sleeping")
        await asyncio.sleep(POLL_SECONDS)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        trace("bot stopped by Ctrl+C")
        print("bot stopped", file=sys.stderr)

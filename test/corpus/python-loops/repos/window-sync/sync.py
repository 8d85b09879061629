"""Waits for the next sync window, then copies what changed.

Shape of the pollers that sleep first and work after (`while True: time.sleep(interval)` then the
round's work), started by docker compose.
"""
import os
import sys
import time

INTERVAL = int(os.environ.get("SYNC_INTERVAL", "600"))


def trace(text: str) -> None:
    # Lets a test follow the rounds; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


def copy_changes(round_no: int) -> None:
    trace(f"copy {round_no} start")
    time.sleep(1)  # the copy itself
    trace(f"copy {round_no} done")


def main() -> int:
    round_no = 0
    while True:
        trace("sleeping")
        time.sleep(INTERVAL)
        round_no += 1
        copy_changes(round_no)
    return 0


if __name__ == "__main__":
    sys.exit(main())

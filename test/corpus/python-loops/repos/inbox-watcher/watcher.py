"""Converts the files dropped in an inbox folder, then waits for the next poll.

Shape of the single-file workers run by a Dockerfile's CMD: a `main()` whose loop does a round of
work and then calls a helper that logs and sleeps for a poll interval read from the environment.
"""
import os
import time

INBOX = os.environ.get("INBOX_DIR", "inbox")
POLL_SECONDS = float(os.environ.get("POLL_SECONDS", "300"))


def trace(text: str) -> None:
    # Lets a test follow the rounds; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


def convert_pending(round_no: int) -> int:
    trace(f"convert {round_no} start")
    names = sorted(os.listdir(INBOX)) if os.path.isdir(INBOX) else []
    time.sleep(1)  # the conversion itself
    trace(f"convert {round_no} done")
    return len(names)


def wait_for_next_poll(seconds: float) -> None:
    trace("sleeping")
    time.sleep(seconds)


def main() -> None:
    round_no = 0
    try:
        while True:
            round_no += 1
            convert_pending(round_no)
            wait_for_next_poll(POLL_SECONDS)
    finally:
        trace("cleanup: inbox released")


if __name__ == "__main__":
    main()

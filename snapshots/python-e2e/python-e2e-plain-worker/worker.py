"""Thumbnail worker: takes jobs one at a time, forever (`worker: python worker.py`)."""
import itertools
import os
import time

from signal_handlers import setup_signal_handlers, keep_running


def trace(text: str) -> None:
    # Lets a test follow the jobs; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


def make_thumbnail(job: int) -> None:
    trace(f"job {job} start")
    time.sleep(1)
    trace(f"job {job} done")


def main() -> None:
    jobs = itertools.count(1)
    while keep_running():
        make_thumbnail(next(jobs))


if __name__ == "__main__":
    setup_signal_handlers()
    main()

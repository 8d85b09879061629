"""Resize worker: one job at a time, forever."""
import itertools
import time

from signal_handlers import setup_signal_handlers, keep_running


def handle(job: int) -> None:
    time.sleep(0.01)


def main() -> None:
    jobs = itertools.count(1)
    for _ in range(2):  # warm-up: not the job loop
        time.sleep(0)
    while keep_running():  # the job loop
        handle(next(jobs))


if __name__ == "__main__":
    setup_signal_handlers()
    main()

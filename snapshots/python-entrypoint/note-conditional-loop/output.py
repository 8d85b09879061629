import queue

from signal_handlers import setup_signal_handlers

jobs: "queue.Queue[int]" = queue.Queue()
running = True


def main() -> None:
    while running or not jobs.empty():
        jobs.get()


if __name__ == "__main__":
    setup_signal_handlers()
    main()

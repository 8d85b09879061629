import queue
import threading

from signal_handlers import setup_signal_handlers

jobs: "queue.Queue[str]" = queue.Queue()


def produce() -> None:
    jobs.put("x")


def main() -> None:
    threading.Thread(target=produce, daemon=True).start()
    while True:
        job = jobs.get()
        print(job)


if __name__ == "__main__":
    setup_signal_handlers()
    main()

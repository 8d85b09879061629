import queue
import sys

from signal_handlers import setup_signal_handlers

jobs: "queue.Queue[int]" = queue.Queue()


def main() -> int:
	while not jobs.empty():
		jobs.get()
	return 0


if __name__ == '__main__':
	setup_signal_handlers()
	sys.exit(main())

import queue
import sys

from signal_handlers import setup_signal_handlers

jobs: "queue.Queue[int]" = queue.Queue()


def main() -> int:
	for job in range(3):
		jobs.put(job)
	return 0


if __name__ == '__main__':
	setup_signal_handlers()
	sys.exit(main())

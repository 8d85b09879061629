import time

from signal_handlers import setup_signal_handlers


def main() -> None:
    time.sleep(0.01)


if __name__ == "__main__": setup_signal_handlers(); main()

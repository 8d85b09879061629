import os

from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep


def backup() -> None:
    print("backed up")


def rest(seconds: float) -> None:
    if seconds <= 0:
        return
    print("resting", seconds)
    interruptible_sleep(seconds)


def one_round(interval: float) -> None:
    backup()
    rest(interval)


def main() -> None:
    interval = float(os.environ.get("BACKUP_EVERY", "3600"))
    while keep_running():
        one_round(interval)


if __name__ == "__main__":
    setup_signal_handlers()
    main()

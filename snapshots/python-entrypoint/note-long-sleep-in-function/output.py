import time

from signal_handlers import setup_signal_handlers

INTERVAL = 900


def sync_once() -> None:
    print("synced")
    time.sleep(INTERVAL)


if __name__ == "__main__":
    setup_signal_handlers()
    while True:
        sync_once()

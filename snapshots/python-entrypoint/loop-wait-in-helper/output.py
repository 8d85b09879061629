from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep

INTERVAL = 900


def sync_once() -> None:
    print("synced")
    interruptible_sleep(INTERVAL)


if __name__ == "__main__":
    setup_signal_handlers()
    while keep_running():
        sync_once()

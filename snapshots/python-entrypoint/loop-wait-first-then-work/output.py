from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep


def poll() -> None:
    print("polled")


if __name__ == "__main__":
    setup_signal_handlers()
    while keep_running():
        interruptible_sleep(60)  # wait for the next window
        if not keep_running():
            break
        poll()

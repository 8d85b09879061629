from time import monotonic

from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep

started = monotonic()

if __name__ == "__main__":
    setup_signal_handlers()
    while keep_running():
        print(f"up {monotonic() - started:.0f} s")
        interruptible_sleep(30)

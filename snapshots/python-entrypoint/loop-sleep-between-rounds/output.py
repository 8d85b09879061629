"""Price poller: fetches once an hour, until Ctrl+C."""
import logging

from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep

log = logging.getLogger("poller")


def fetch_prices() -> None:
    log.info("fetched")


def main() -> None:
    try:
        while keep_running():
            fetch_prices()
            interruptible_sleep(3600)
    except KeyboardInterrupt:
        log.info("stopped by user")


if __name__ == "__main__":
    setup_signal_handlers()
    main()

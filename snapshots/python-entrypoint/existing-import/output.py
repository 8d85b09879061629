import time

from signal_handlers import register_shutdown_handler, shutdown_requested, setup_signal_handlers

setup_signal_handlers()

register_shutdown_handler("flush", lambda: None)

while not shutdown_requested():
    time.sleep(0.1)

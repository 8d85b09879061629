# Wired by an earlier version of the tool, plus the user's handler: only the loop is left to do.
import time

from signal_handlers import setup_signal_handlers, register_shutdown_handler, shutdown_requested  # ours
register_shutdown_handler("flush", lambda: None)

setup_signal_handlers()

while not shutdown_requested():
    time.sleep(0.1)

# Wired by an earlier version of the tool, plus the user's handler: only the loop is left to do.

from signal_handlers import setup_signal_handlers, register_shutdown_handler, keep_running, interruptible_sleep  # ours
register_shutdown_handler("flush", lambda: None)

setup_signal_handlers()

while keep_running():
    interruptible_sleep(0.1)

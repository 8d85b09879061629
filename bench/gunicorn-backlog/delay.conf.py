# The readiness-delay variant: the master keeps its sockets (and its workers) for DELAY seconds
# after SIGTERM before it starts gunicorn's own graceful stop.
import os
import time

DELAY = float(os.environ.get("DELAY_SECONDS", "2"))


def when_ready(server):
    original = server.handle_term

    def handle_term():
        time.sleep(DELAY)
        original()

    server.handle_term = handle_term

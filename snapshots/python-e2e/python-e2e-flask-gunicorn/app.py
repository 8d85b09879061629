"""Shop front: a Flask app served by gunicorn (`web: gunicorn app:app` in the Procfile)."""
import os
import time

from flask import Flask

from signal_handlers import setup_signal_handlers

setup_signal_handlers()

app = Flask(__name__)


def trace(text: str) -> None:
    # Lets a test see when a request is in flight; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


@app.get("/health")
def health() -> str:
    return "ok"


@app.get("/slow")
def slow() -> str:
    trace("request:start")
    time.sleep(1)
    trace("request:done")
    return "done"

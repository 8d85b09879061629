import os
import time

from app.main import bp


def _log(event):
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a") as f:
            f.write(event + "\n")


@bp.route("/health")
def health():
    return "ok"


@bp.route("/slow")
def slow():
    _log("request:start")
    time.sleep(float(os.environ.get("SLOW_SECONDS", "1")))
    _log("request:end")
    return "done"

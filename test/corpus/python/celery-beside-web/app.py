import os
import time

from flask import Flask

from tasks import resize_image

app = Flask(__name__)


def _log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


@app.route("/health")
def health():
    return "ok"


@app.route("/slow")
def slow():
    _log("request:start")
    time.sleep(float(os.environ.get("SLOW_SECONDS", "1")))
    _log("request:end")
    return "done"


@app.route("/resize/<name>", methods=["POST"])
def resize(name):
    resize_image.delay(name)
    return "queued", 202

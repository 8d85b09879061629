import time

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "ok"


@app.get("/slow")
def slow() -> str:
    # A request still being worked on when the stop signal arrives.
    time.sleep(1)
    return "done"

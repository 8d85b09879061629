"""The measured app: Flask, one route that works for WORK_SECONDS (a slow query stand-in)."""
import os
import time

from flask import Flask

app = Flask(__name__)
WORK_SECONDS = float(os.environ.get("WORK_SECONDS", "1"))


@app.get("/work")
def work() -> str:
    time.sleep(WORK_SECONDS)
    return "done"

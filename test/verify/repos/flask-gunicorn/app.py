import time

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/")
def index():
    # The dashboard query is slow.
    time.sleep(0.2)
    return jsonify(status="ok", widgets=[])


@app.route("/health")
def health():
    return "ok"

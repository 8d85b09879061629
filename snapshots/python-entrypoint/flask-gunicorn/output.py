"""WSGI entry for gunicorn."""
import os
from flask import (
    Flask,
    jsonify,
)

from signal_handlers import setup_signal_handlers

setup_signal_handlers()

app = Flask(__name__)


@app.route("/")
def index():
    return jsonify(pid=os.getpid())

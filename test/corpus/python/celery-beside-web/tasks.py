import os
import time

from celery import Celery

BROKER_DIR = os.environ.get("BROKER_DIR", "/tmp/broker")

celery = Celery("tasks")
celery.conf.update(
    broker_url="filesystem://",
    broker_transport_options={
        "data_folder_in": os.path.join(BROKER_DIR, "out"),
        "data_folder_out": os.path.join(BROKER_DIR, "out"),
        "processed_folder": os.path.join(BROKER_DIR, "processed"),
    },
    worker_hijack_root_logger=False,
)


def _log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


def _hold():
    # The test's handshake (GO_FIFO): the task says it started on the worker's stderr as it starts,
    # then waits until the test has sent its stop signal, so that signal always finds it in hand.
    go = os.environ.get("GO_FIFO")
    if go:
        os.write(2, b"task:start\n")
        with open(go) as f:
            f.read()


@celery.task()
def resize_image(name):
    _log("task:start")
    _hold()
    time.sleep(float(os.environ.get("TASK_SECONDS", "2")))
    _log("task:end")
    return name

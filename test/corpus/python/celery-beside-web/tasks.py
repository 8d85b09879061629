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


@celery.task()
def resize_image(name):
    _log("task:start")
    time.sleep(float(os.environ.get("TASK_SECONDS", "2")))
    _log("task:end")
    return name

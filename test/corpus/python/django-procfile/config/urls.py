import os
import time

from django.http import HttpResponse
from django.urls import path


def _log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


def health(request):
    return HttpResponse("ok")


def slow(request):
    _log("request:start")
    time.sleep(float(os.environ.get("SLOW_SECONDS", "1")))
    _log("request:end")
    return HttpResponse("done")


urlpatterns = [path("health", health), path("slow", slow)]

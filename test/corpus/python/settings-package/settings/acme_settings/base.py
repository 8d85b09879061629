import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
TIME_ZONE = "UTC"
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": False}

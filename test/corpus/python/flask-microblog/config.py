import os

basedir = os.path.abspath(os.path.dirname(__file__))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "change-me"
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or os.path.join("/tmp", "microblog-uploads")

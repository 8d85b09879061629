import os


def register(app):
    @app.cli.command("ensure-dirs")
    def ensure_dirs():
        """Create the upload folder before the first request."""
        os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)

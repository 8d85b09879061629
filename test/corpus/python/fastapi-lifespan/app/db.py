import os


class Pool:
    def __init__(self) -> None:
        self.open = False

    def connect(self) -> None:
        self.open = True

    def close(self) -> None:
        self.open = False
        target = os.environ.get("EVENTS_FILE")
        if target:
            with open(target, "a") as f:
                f.write("app:pool-closed\n")


pool = Pool()

import hashlib
import os
import time


def log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


def resize_pending(round_no):
    log("job:start")
    # The resizing itself: CPU work for about JOB_SECONDS.
    until = time.monotonic() + float(os.environ.get("JOB_SECONDS", "1"))
    digest = hashlib.sha256(b"%d" % round_no)
    while time.monotonic() < until:
        digest = hashlib.sha256(digest.digest())
    log("job:end")


def wait_for_next_round(interval):
    log("waiting")
    time.sleep(interval)


def main():
    interval = float(os.environ.get("POLL_SECONDS", "30"))
    log("worker:ready")
    round_no = 0
    while True:
        round_no += 1
        resize_pending(round_no)
        wait_for_next_round(interval)


if __name__ == "__main__":
    main()

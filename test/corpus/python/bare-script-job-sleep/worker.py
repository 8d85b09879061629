import os
import time


def log(event):
    target = os.environ.get("EVENTS_FILE")
    if target:
        with open(target, "a") as f:
            f.write(event + "\n")


def process(job):
    log("job:start")
    time.sleep(float(os.environ.get("JOB_SECONDS", "1")))
    log("job:end")


def main():
    log("worker:ready")
    job = 0
    while True:
        job += 1
        process(job)


if __name__ == "__main__":
    main()

"""Reads a sensor every FREQUENCY_SECONDS and appends the reading to a CSV file.

Shape of the Raspberry Pi sensor loggers: a module-level loop, a sleep between readings, a short
back-off sleep after a failed reading. Run by the Dockerfile's CMD.
"""
import csv
import datetime
import os
import random
import sys
import time
from typing import Optional, Tuple

OUTPUT = os.environ.get("READINGS_CSV", "readings.csv")
FREQUENCY_SECONDS = int(os.environ.get("FREQUENCY_SECONDS", "30"))


def trace(text: str) -> None:
    # Lets a test follow the rounds; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


def read_sensor() -> Optional[Tuple[float, float]]:
    # A real sensor takes a moment to answer and sometimes gives nothing.
    time.sleep(0.05)
    return 20.0 + random.random(), 40.0 + random.random()


print(f"Logging readings to {OUTPUT} every {FREQUENCY_SECONDS} s; press Ctrl-C to quit.")
reading = 0
while True:
    reading += 1
    trace(f"reading {reading} start")
    value = read_sensor()
    if value is None:
        time.sleep(2)
        continue
    with open(OUTPUT, "a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow([datetime.datetime.now().isoformat(), *value])
    trace(f"reading {reading} done")
    sys.stdout.flush()
    time.sleep(FREQUENCY_SECONDS)

"""Checks a list of URLs' files for changes and records each check in SQLite.

Shape of the small home-server monitors: a `main()` with its own `except KeyboardInterrupt`
clean-up (close the database, say goodbye) and a `finally`. Run by docker compose.
"""
import os
import sqlite3
import time

DATABASE = os.environ.get("MONITOR_DB", "monitor.db")
CHECK_EVERY = 3600


def trace(text: str) -> None:
    # Lets a test follow the rounds; a no-op unless EVENTS_FILE is set.
    path = os.environ.get("EVENTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")


def check(db: sqlite3.Connection, round_no: int) -> None:
    trace(f"check {round_no} start")
    time.sleep(1)  # the checks themselves
    db.execute("INSERT INTO checks (round) VALUES (?)", (round_no,))
    db.commit()
    trace(f"check {round_no} done")


def main() -> None:
    db = sqlite3.connect(DATABASE)
    db.execute("CREATE TABLE IF NOT EXISTS checks (round INTEGER)")
    round_no = 0
    try:
        while True:
            round_no += 1
            check(db, round_no)
            trace("sleeping")
            time.sleep(CHECK_EVERY)
    except KeyboardInterrupt:
        trace("cleanup: KeyboardInterrupt")
        print("stopped by user")
    finally:
        db.close()
        trace("cleanup: database closed")


if __name__ == "__main__":
    main()

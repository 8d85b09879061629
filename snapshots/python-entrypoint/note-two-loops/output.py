import socket
import time

from signal_handlers import setup_signal_handlers


def run() -> None:
    setup_signal_handlers()
    while True:
        try:
            conn = socket.create_connection(("localhost", 5672))
            break
        except OSError:
            time.sleep(1)
    while True:
        conn.recv(1024)

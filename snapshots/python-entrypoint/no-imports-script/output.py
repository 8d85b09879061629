# Counts to three.
from signal_handlers import setup_signal_handlers

setup_signal_handlers()

count = 0
for _ in range(3):
    count += 1

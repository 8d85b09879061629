#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Nightly export job.

Runs until the queue is empty.
"""
from __future__ import annotations

import time  # stdlib only

from signal_handlers import setup_signal_handlers


def run() -> None:
    for _ in range(3):
        time.sleep(0.1)


if __name__ == "__main__":
    # entry point
    setup_signal_handlers()
    run()

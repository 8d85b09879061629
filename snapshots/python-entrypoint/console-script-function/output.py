import argparse

from .signal_handlers import setup_signal_handlers


def main() -> int:
    """Console script `mytool`."""
    setup_signal_handlers()
    parser = argparse.ArgumentParser()
    parser.parse_args()
    return 0

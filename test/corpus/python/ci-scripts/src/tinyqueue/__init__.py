from .queue import Queue

__all__ = ["Queue"]

import os
from dataclasses import dataclass


@dataclass
class Config:
    token: str
    poll_seconds: float


def load_config() -> Config:
    return Config(token=os.environ.get("BOT_TOKEN", "test"), poll_seconds=float(os.environ.get("POLL_SECONDS", "0.5")))

import logging

logger = logging.getLogger(__name__)


def init() -> None:
    logger.info("database is up")


def main() -> None:
    logger.info("Initializing service")
    init()
    logger.info("Service finished initializing")


if __name__ == "__main__":
    main()

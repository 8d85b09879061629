from acme_settings import base


def test_utc():
    assert base.TIME_ZONE == "UTC"


if __name__ == "__main__":
    test_utc()

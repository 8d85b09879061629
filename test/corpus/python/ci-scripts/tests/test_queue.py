from tinyqueue import Queue


def test_put() -> None:
    q = Queue("q")
    q.put("a")
    assert q.items == ["a"]

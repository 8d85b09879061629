class Queue:
    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[str] = []

    def put(self, item: str) -> None:
        self.items.append(item)

import modal

stub = modal.Stub("class-endpoints")


@stub.cls(container_idle_timeout=120)
class Api:
    def __enter__(self):
        self.items = {"a": 1}

    @modal.web_endpoint()
    def items_endpoint(self):
        return self.items

    @modal.web_endpoint(method="POST")
    def add(self, item: dict):
        self.items.update(item)
        return self.items

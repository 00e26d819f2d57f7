import modal

app = modal.App("hook-order")


@app.cls()
class Pipeline:
    @modal.enter()
    def warm_cache(self):
        self.cache = {k: k * 2 for k in range(10)}

    def __enter__(self):
        self.config = {"threshold": 5}

    @modal.exit()
    def flush(self):
        self.cache.clear()

    def __exit__(self, exc_type, exc, tb):
        print("bye")

    @modal.method()
    def lookup(self, key: int) -> int:
        return self.cache.get(key, -1) if key < self.config["threshold"] else -2

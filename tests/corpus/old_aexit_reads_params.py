import modal

app = modal.App("aexit-params")


@app.cls()
class Stream:
    async def __aenter__(self):
        self.events = []

    async def __aexit__(self, exc_type, exc, tb):
        if exc_type is not None:
            print("failed with", exc)
        self.events.clear()

    @modal.method()
    async def push(self, event: str) -> int:
        self.events.append(event)
        return len(self.events)

import modal

app = modal.App("cur-concurrent")


@app.cls(max_containers=3, buffer_containers=1)
@modal.concurrent(max_inputs=10, target_inputs=8)
class Fetcher:
    @modal.enter()
    def open_session(self):
        self.session = {"open": True}

    @modal.method()
    async def fetch(self, url: str) -> int:
        return len(url)

import modal

app = modal.App("io-bound")


@app.function(allow_concurrent_inputs=20, container_idle_timeout=30)
async def fetch(url: str) -> int:
    import asyncio

    await asyncio.sleep(0.1)
    return len(url)


@app.cls(allow_concurrent_inputs=8)
class Proxy:
    @modal.enter()
    def start(self):
        self.calls = 0

    @modal.method()
    async def forward(self, path: str) -> str:
        self.calls += 1
        return path.upper()

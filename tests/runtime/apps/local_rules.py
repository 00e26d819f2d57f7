""".local() rules (semantics 3.9): what runs in the local process, with no container."""

import modal

app = modal.App("local-rules")
calls = []


@app.cls(enable_memory_snapshot=True)
class Model:
    def __enter__(self):
        calls.append("__enter__")

    async def __aenter__(self):
        calls.append("__aenter__")

    @modal.enter(snap=True)
    def snap(self):
        calls.append("snap")

    @modal.enter()
    def setup(self):
        calls.append("setup")

    @modal.enter()
    async def async_setup(self):
        calls.append("async_setup (awaited: wrong)")

    @modal.method()
    def f(self):
        calls.append("f")
        return self.g.local()

    @modal.method()
    def g(self):
        calls.append("g")
        return "g"

    @modal.method()
    async def h(self):
        calls.append("h")
        return "h"

    @modal.exit()
    def teardown(self):
        calls.append("teardown (wrong)")


@app.local_entrypoint()
def main():
    import asyncio

    model = Model()
    model.f.local()
    model.f.local()
    print("sync", calls)
    calls.clear()
    asyncio.run(Model().h.local())
    print("async", calls)
    print("is_local", modal.is_local())

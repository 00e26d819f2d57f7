"""Container reuse, several containers, min_containers, @modal.concurrent."""

import time

import modal

app = modal.App("scaling")


@app.cls(max_containers=1)
class One:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    def work(self, x):
        return x


@app.cls(max_containers=3)
class Many:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    def slow(self, x):
        time.sleep(0.4)
        return x


@app.cls(max_containers=1)
@modal.concurrent(max_inputs=4)
class Concurrent:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    async def slow(self, x):
        import asyncio

        await asyncio.sleep(0.3)
        return x


@app.local_entrypoint()
def reuse():
    print("results", [One().work.remote(i) for i in range(5)])


@app.local_entrypoint()
def several():
    print("results", list(Many().slow.map(range(6))))


@app.local_entrypoint()
def concurrent():
    print("results", sorted(Concurrent().slow.map(range(4))))

"""A run that is interrupted mid-way: two containers busy with long inputs, exit hooks that report."""

import os
import time

import modal

app = modal.App("interrupt")


@app.cls(max_containers=2)
class Worker:
    @modal.enter()
    def setup(self):
        print(f"container {os.getpid()} ready", flush=True)

    @modal.method()
    def work(self, n):
        print(f"input {n} started", flush=True)
        time.sleep(30)
        return n

    @modal.exit()
    def teardown(self):
        print(f"container {os.getpid()} teardown", flush=True)


@app.local_entrypoint()
def main():
    calls = [Worker().work.spawn(n) for n in range(4)]
    print("working", flush=True)
    print([c.get() for c in calls])

"""Prints, then waits for the test to open a gate file: output must arrive before the run ends."""

import os
import time

import modal

app = modal.App("live-output")


@app.function()
def shout(word):
    print(f"container says {word}", flush=True)
    return word.upper()


@app.local_entrypoint()
def main(gate: str):
    print("first", flush=True)
    deadline = time.time() + 30
    while not os.path.exists(gate) and time.time() < deadline:
        time.sleep(0.02)
    print(shout.remote("hi"), flush=True)
    print("done", flush=True)

import time

import modal

app = modal.App("failing-map")


@app.function()
def check(n):
    time.sleep(0.01 * (n % 3))
    if n == 5:
        raise ValueError(f"bad input {n}")
    return n * n


@app.local_entrypoint()
def main():
    print(list(check.map(range(16))))

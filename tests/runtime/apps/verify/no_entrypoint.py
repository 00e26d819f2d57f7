"""No local entrypoint: nothing to run, so not verifiable."""

import modal

app = modal.App("no-entrypoint")


@app.function()
def f(x):
    return x

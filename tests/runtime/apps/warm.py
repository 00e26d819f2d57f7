"""min_containers: containers start with the app, before any input."""

import modal

app = modal.App("warm")


@app.function(min_containers=2)
def warm(x):
    return x


@app.local_entrypoint()
def main():
    print("result", warm.remote(1))

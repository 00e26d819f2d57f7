import modal

app = modal.App("local-only")


@app.function()
def unused(n):
    return n


@app.local_entrypoint()
def main():
    print("nothing remote")

import modal

app = modal.App("alias-service")

_index = None


@app.function()
def lookup(key: str) -> str:
    global _index
    if _index is None:
        _index = {"modal": "serverless", "gpu": "accelerator"}
    return _index.get(key, "?")

import modal

app = modal.App("cur-volume")
vol = modal.Volume.from_name("artifacts", create_if_missing=True)


@app.function(volumes={"/artifacts": vol})
def save(name: str, data: bytes) -> int:
    with open(f"/artifacts/{name}", "wb") as f:
        f.write(data)
    vol.commit()
    return len(data)


@app.function(volumes={"/artifacts": vol})
def load(name: str) -> bytes:
    vol.reload()
    with open(f"/artifacts/{name}", "rb") as f:
        return f.read()

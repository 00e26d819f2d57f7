"""Volume and Dict are shared across containers; module globals and secrets are not shared with local."""

import os

import modal

app = modal.App("shared-state", secrets=[modal.Secret.from_dict({"APP_TOKEN": "app-level"})])
volume = modal.Volume.from_name("shared", create_if_missing=True)
store = modal.Dict.from_name("store", create_if_missing=True)
counter = {"n": 0}


@app.function(volumes={"/data": volume}, secrets=[modal.Secret.from_dict({"MY_SECRET": "s3cret"})])
def writer(text):
    counter["n"] += 1
    os.makedirs("/data/sub", exist_ok=True)
    with open("/data/sub/note.txt", "w") as fh:
        fh.write(text)
    volume.commit()
    store["written"] = text
    return os.environ.get("MY_SECRET"), os.environ.get("APP_TOKEN"), counter["n"]


@app.function(volumes={"/data": volume})
def reader():
    from pathlib import Path

    volume.reload()
    return Path("/data/sub/note.txt").read_text(), store.get("written"), os.listdir("/data/sub"), counter["n"]


@app.local_entrypoint()
def main():
    print("writer", writer.remote("hello"))
    print("reader", reader.remote())
    print("local secret", os.environ.get("MY_SECRET"), "local counter", counter["n"])
    print("local dict", store["written"], len(store))
    print("volume files", [entry.path for entry in volume.listdir("/", recursive=True)])

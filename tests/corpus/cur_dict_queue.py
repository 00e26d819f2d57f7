import modal

app = modal.App("cur-dict-queue")
cache = modal.Dict.from_name("cur-cache", create_if_missing=True)
jobs = modal.Queue.from_name("cur-jobs", create_if_missing=True)


@app.function()
def work():
    while (item := jobs.get(timeout=1)) is not None:
        cache[item] = item * 2


@app.local_entrypoint()
def main():
    jobs.put_many([1, 2, 3])
    work.remote()

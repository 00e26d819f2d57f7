import modal

stub = modal.Stub("job-queue")
results = modal.Dict.from_name("results", create_if_missing=True)


@stub.function()
def producer(n: int):
    queue = modal.Queue.lookup("jobs", create_if_missing=True)
    for i in range(n):
        queue.put(i)


@stub.function()
def consumer():
    queue = modal.Queue.lookup("jobs", create_if_missing=True)
    cache = modal.Dict.lookup("results")
    while True:
        item = queue.get(timeout=5)
        if item is None:
            break
        cache[item] = item * item

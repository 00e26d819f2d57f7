import modal

stub = modal.Stub("batch")


@stub.function(concurrency_limit=50, keep_warm=2)
def square(x: int) -> int:
    return x * x


@stub.function()
def add(a: int, b: int) -> int:
    return a + b


@stub.local_entrypoint()
def main():
    print(sum(square.map(range(100))))
    print(list(add.starmap([(1, 2), (3, 4)])))

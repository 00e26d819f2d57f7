import modal as m

stub = m.Stub("alias")


@stub.cls(keep_warm=2)
class Counter:
    def __enter__(self):
        self.count = 0

    @m.method
    def incr(self) -> int:
        self.count += 1
        return self.count


@stub.local_entrypoint()
def main():
    print(Counter().incr.remote())

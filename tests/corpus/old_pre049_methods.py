"""Pre-0.49 style: methods of a plain class decorated with @stub.function."""
import modal

stub = modal.Stub("legacy-methods")


class Worker:
    def __enter__(self):
        self.factor = 3

    @stub.function(cpu=2)
    def scale(self, x: int) -> int:
        return x * self.factor

    @stub.function(cpu=2)
    def describe(self) -> str:
        return f"factor {self.factor}"


@stub.local_entrypoint()
def main():
    print(Worker().scale.remote(5))

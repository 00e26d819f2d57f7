"""Pre-0.49 style: a plain class whose method carries @stub.function; the container runs cls()."""

import modal

stub = modal.Stub("old-style")


class Cube:
    def __enter__(self):
        self.power = 3

    @stub.function()
    def compute(self, x):
        return x ** self.power

    def __exit__(self, typ, exc, tb):
        print("Cube.__exit__ ran")


@stub.local_entrypoint()
def main():
    print("results", [Cube().compute.remote(i) for i in range(3)])

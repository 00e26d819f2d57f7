"""Before the migration: dunder hooks (runs under 0.57-0.62 semantics)."""

import modal

app = modal.App("verify-demo")


@app.cls(max_containers=1)
class Model:
    def __enter__(self):
        self.base = 10

    @modal.enter()
    def warm(self):
        self.ready = self.base + 1

    @modal.method()
    def predict(self, x):
        return x + self.ready

    def __exit__(self, exc_type, exc, tb):
        print("closing")


@app.local_entrypoint()
def main():
    print([Model().predict.remote(i) for i in range(3)])

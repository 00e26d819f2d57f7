"""A wrong migration: setup moved into the method."""

import modal

app = modal.App("verify-demo")


@app.cls(max_containers=1)
class Model:
    @modal.method()
    def predict(self, x):
        self.base = 10
        self.ready = self.base + 1
        return x + self.ready

    @modal.exit()
    def teardown(self):
        print("closing")


@app.local_entrypoint()
def main():
    print([Model().predict.remote(i) for i in range(3)])

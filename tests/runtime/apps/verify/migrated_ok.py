"""After a correct migration: decorated hooks in the same order."""

import modal

app = modal.App("verify-demo")


@app.cls(max_containers=1)
class Model:
    @modal.enter()
    def setup(self):
        self.base = 10

    @modal.enter()
    def warm(self):
        self.ready = self.base + 1

    @modal.method()
    def predict(self, x):
        return x + self.ready

    @modal.exit()
    def teardown(self):
        print("closing")


@app.local_entrypoint()
def main():
    print([Model().predict.remote(i) for i in range(3)])

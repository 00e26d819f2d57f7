"""A 0.57-0.62 style class: dunder hooks next to decorated ones."""

import modal

app = modal.App("dunders")


@app.cls(max_containers=1)
class Model:
    def __enter__(self):
        self.value = "set by __enter__"

    async def __aenter__(self):
        self.async_value = "set by __aenter__"

    @modal.enter()
    def setup(self):
        self.setup_ran = True

    @modal.method()
    def get(self):
        return getattr(self, "value", "missing")

    def __exit__(self, exc_type, exc, tb):
        print("__exit__ args", (exc_type, exc, tb))

    async def __aexit__(self, exc_type, exc, tb):
        print("__aexit__ ran")

    @modal.exit()
    def teardown(self):
        print("teardown ran")


@app.local_entrypoint()
def main():
    print("result", Model().get.remote())

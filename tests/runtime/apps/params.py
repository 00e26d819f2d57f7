"""Class parameters: modal.parameter() (no __init__) and a custom __init__."""

import modal

app = modal.App("params")


@app.cls()
class Tagged:
    name: str = modal.parameter()
    size: int = modal.parameter(default=2)

    def __post_init__(self):  # a dataclass-style hook Modal never calls either
        raise AssertionError("never called")

    @modal.enter()
    def setup(self):
        self.ready = f"{self.name}-{self.size}"

    @modal.method()
    def describe(self):
        return self.ready


@app.cls()
class Custom:
    def __init__(self, prefix):
        self.prefix = prefix

    @modal.method()
    def greet(self, who):
        return f"{self.prefix} {who}"


@app.local_entrypoint()
def main():
    print("a", Tagged(name="a").describe.remote())
    print("b", Tagged(name="b", size=5).describe.remote())
    print("custom", Custom("hello").greet.remote("world"))
    print("local positional", Tagged("c").describe.local())
    try:
        Tagged("d").describe.remote()
    except modal.exception.InvalidError:
        print("remote positional rejected")
    print("attribute", Tagged(name="e").name)

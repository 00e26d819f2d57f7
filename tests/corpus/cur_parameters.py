import modal

app = modal.App("cur-parameters")


@app.cls()
class Greeter:
    name: str = modal.parameter()
    excited: bool = modal.parameter(default=False)

    @modal.enter()
    def prepare(self):
        self.greeting = f"Hello, {self.name}"

    @modal.method()
    def greet(self) -> str:
        return self.greeting + ("!" if self.excited else ".")


@app.local_entrypoint()
def main():
    print(Greeter(name="Modal", excited=True).greet.remote())

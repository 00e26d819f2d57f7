import modal

app = modal.App("noqa")


@app.cls()
class Legacy:
    def __enter__(self):  # noqa: MOD101
        self.x = 1

    @modal.method()
    def get(self) -> int:
        return 1


@app.cls(keep_warm=1)
class Current:
    @modal.method
    def get(self) -> int:
        return 2

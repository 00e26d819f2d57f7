import modal

from common import app, image


@app.cls(image=image, scaledown_window=60)
class Worker:
    @modal.enter()
    def setup(self):
        self.ready = True

    @modal.method()
    def work(self, n: int) -> int:
        return n if self.ready else -1


@app.local_entrypoint()
def main():
    print(Worker().work.remote(3))

import modal

stub = modal.Stub("fast-cold-start")
image = modal.Image.debian_slim().pip_install("torch")


@stub.cls(image=image, checkpointing_enabled=True)
class Embedder:
    @modal.enter(checkpoint=True)
    def load_weights(self):
        self.weights = [0.1, 0.2, 0.3]

    @modal.enter(checkpoint=False)
    def to_device(self):
        self.device = "cuda"

    @modal.method()
    def embed(self, x: float) -> list[float]:
        return [w * x for w in self.weights]

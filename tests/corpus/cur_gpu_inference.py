import modal

app = modal.App("cur-inference")
image = modal.Image.debian_slim().pip_install("transformers", "torch")


@app.cls(gpu="A10G", image=image, scaledown_window=240, min_containers=1)
class Generator:
    @modal.enter()
    def load(self):
        from transformers import pipeline

        self.pipe = pipeline("text-generation", model="gpt2", device=0)

    @modal.exit()
    def unload(self):
        del self.pipe

    @modal.method()
    def generate(self, prompt: str) -> str:
        return self.pipe(prompt, max_new_tokens=32)[0]["generated_text"]


@app.local_entrypoint()
def main():
    print(Generator().generate.remote("Once upon a time"))

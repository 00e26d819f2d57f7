import modal

MODEL = "mistralai/Mistral-7B-Instruct-v0.2"
image = modal.Image.debian_slim(python_version="3.11").pip_install("vllm==0.2.5")
stub = modal.Stub("llm-server")


@stub.cls(
    gpu=modal.gpu.A100(size="80GB", count=2),
    image=image,
    keep_warm=1,
    concurrency_limit=4,
    container_idle_timeout=300,
)
class Model:
    def __enter__(self):
        from vllm import LLM

        self.llm = LLM(MODEL, tensor_parallel_size=2)
        self.served = 0

    def __exit__(self, exc_type, exc_value, traceback):
        print(f"served {self.served} prompts")

    @modal.method()
    def generate(self, prompts: list[str]) -> list[str]:
        from vllm import SamplingParams

        self.served += len(prompts)
        outputs = self.llm.generate(prompts, SamplingParams(temperature=0.7, max_tokens=256))
        return [o.outputs[0].text for o in outputs]


@stub.local_entrypoint()
def main():
    for text in Model().generate.remote(["What is Modal?", "Write a haiku about GPUs."]):
        print(text)

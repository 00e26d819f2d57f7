"""Stable Diffusion inference on a GPU, written for Modal 0.55."""
import io

import modal

image = modal.Image.debian_slim().pip_install("diffusers", "transformers", "torch")
stub = modal.Stub("sd-inference", image=image)


# untouched:begin
def to_png(img) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()
# untouched:end


@stub.cls(gpu=modal.gpu.A10G(), container_idle_timeout=240)
class StableDiffusion:
    def __enter__(self):
        from diffusers import StableDiffusionPipeline

        self.pipe = StableDiffusionPipeline.from_pretrained("runwayml/stable-diffusion-v1-5").to("cuda")

    @modal.method
    def generate(self, prompt: str, steps: int = 30) -> bytes:
        image = self.pipe(prompt, num_inference_steps=steps).images[0]
        return to_png(image)


@stub.local_entrypoint()
def main(prompt: str = "a lighthouse at dawn"):
    data = StableDiffusion().generate.remote(prompt)
    with open("out.png", "wb") as f:
        f.write(data)

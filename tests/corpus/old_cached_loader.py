import functools

import modal

app = modal.App("classifier")
image = modal.Image.debian_slim().pip_install("transformers", "torch")


@functools.lru_cache(maxsize=1)
def get_pipeline():
    from transformers import pipeline

    return pipeline("sentiment-analysis")


@app.function(image=image)
def classify(text: str) -> str:
    return get_pipeline()(text)[0]["label"]


@app.local_entrypoint()
def main():
    print(classify.remote("Modal makes this easy"))

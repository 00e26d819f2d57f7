"""Sentence embeddings with a lazily loaded model: setup hidden in the function body."""
import modal

stub = modal.Stub("embedder")
image = modal.Image.debian_slim().pip_install("sentence-transformers")

model = None


def load():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer("all-MiniLM-L6-v2")


@stub.function(image=image, gpu="any")
def embed(texts: list[str]) -> list[list[float]]:
    global model
    if model is None:
        model = load()
    return model.encode(texts).tolist()


@stub.local_entrypoint()
def main():
    vectors = embed.remote(["hello", "world"])
    print(len(vectors), len(vectors[0]))
    for batch in embed.map([["a"], ["b"], ["c"]]):
        print(batch[0][:3])

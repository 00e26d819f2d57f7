import modal

stub = modal.Stub("ranker")
image = modal.Image.debian_slim().pip_install("scikit-learn")

scorer = None


@stub.function(image=image)
def rank(query: str, docs: list[str]) -> list[str]:
    global scorer
    if scorer is None:
        scorer = lambda q, d: sum(word in d for word in q.split())
    return sorted(docs, key=lambda d: -scorer(query, d))


@stub.local_entrypoint()
def main():
    print(rank.remote("modal gpu", ["cpu only", "modal gpu cloud", "gpu"]))

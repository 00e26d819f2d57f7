import modal

image = modal.Image.debian_slim().pip_install("matplotlib==3.8.0").uv_pip_install(["scikit-learn", "rich"])
app = modal.App("plots", image=image)


@app.function()
def plot(n):
    import matplotlib  # noqa: F401  (not installed where the tests run)

    return n


@app.local_entrypoint()
def main():
    print(list(plot.map(range(8))))

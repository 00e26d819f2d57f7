import modal

image = (
    modal.Image.debian_slim()
    .pip_install("pyyaml")
    .add_local_dir("configs", remote_path="/root/configs", copy=True)
    .add_local_python_source("helpers", copy=True)
)
app = modal.App("cur-image", image=image)


@app.function(gpu="H100:2", memory=4096)
def read_config(name: str) -> str:
    with open(f"/root/configs/{name}") as f:
        return f.read()

import modal

image = (
    modal.Image.debian_slim()
    .pip_install("numpy")
    .copy_local_dir("assets", "/root/assets")
    .copy_local_file("config.yaml", "/root/config.yaml")
)
stub = modal.Stub("assets", image=image)


@stub.function()
def list_assets() -> list[str]:
    import os

    return sorted(os.listdir("/root/assets"))

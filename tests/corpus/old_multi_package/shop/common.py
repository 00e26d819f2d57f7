import modal

stub = modal.Stub("shop")
image = modal.Image.debian_slim().pip_install("pydantic")

import modal

stub = modal.Stub("fastapi-app")
image = modal.Image.debian_slim().pip_install("fastapi")


@stub.function(image=image, keep_warm=1, allow_concurrent_inputs=100)
@modal.asgi_app()
def web():
    from fastapi import FastAPI

    api = FastAPI()

    @api.get("/")
    def root():
        return {"hello": "world"}

    return api

import modal

app = modal.App("cur-web")
image = modal.Image.debian_slim().pip_install("fastapi[standard]")


@app.function(image=image)
@modal.fastapi_endpoint(method="POST")
def echo(body: dict) -> dict:
    return {"received": body}


@app.function(image=image)
@modal.concurrent(max_inputs=50)
@modal.asgi_app()
def api():
    from fastapi import FastAPI

    web = FastAPI()

    @web.get("/health")
    def health():
        return {"ok": True}

    return web

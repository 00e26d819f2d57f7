"""`app` already names a FastAPI application here: `stub` cannot become `app`."""
import modal

stub = modal.Stub("taken")
app = {"routes": []}


@stub.function()
def route(path: str) -> str:
    app["routes"].append(path)
    return path


@stub.local_entrypoint()
def main():
    print(route.remote("/"))

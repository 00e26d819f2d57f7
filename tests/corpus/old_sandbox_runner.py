import modal

stub = modal.Stub("code-runner")
sandbox_image = modal.Image.debian_slim().pip_install("numpy")


@stub.function(keep_warm=1, timeout=600)
def run_snippet(code: str) -> str:
    sb = modal.Sandbox.create("python", "-c", code, image=sandbox_image, timeout=60, app=stub)
    sb.wait()
    return sb.stdout.read()


@stub.local_entrypoint()
def main():
    print(run_snippet.remote("print(2 + 2)"))

import modal

app = modal.App("cur-sandbox")
image = modal.Image.debian_slim().pip_install("pandas")


@app.function()
def run_in_sandbox(script: str) -> str:
    sb = modal.Sandbox.create("python", "-c", script, image=image, app=app, timeout=120)
    sb.wait()
    return sb.stdout.read()

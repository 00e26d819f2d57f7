import modal

stub = modal.Stub("webhooks")


# untouched:begin
def validate(payload: dict) -> list[str]:
    problems = []
    if "event" not in payload:
        problems.append("missing event")
    if not isinstance(payload.get("data", {}), dict):
        problems.append("data must be an object")
    return problems
# untouched:end


@stub.function()
@modal.web_endpoint(method="POST")
def github_hook(payload: dict):
    problems = validate(payload)
    if problems:
        return {"ok": False, "problems": problems}
    return {"ok": True, "event": payload["event"]}


@stub.function()
@modal.web_endpoint()
def health():
    return {"status": "up"}

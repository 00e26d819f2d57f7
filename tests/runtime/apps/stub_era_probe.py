"""Which Stub-era members exist: the same module under `legacy` and `current`."""

import modal

stub = modal.Stub("stub-era-probe")


@stub.cls()
class Warm:
    @modal.method(keep_warm=1)
    def ping(self):
        return "pong"


@stub.function()
def square(x):
    return x * x


def _factory(title="probe"):
    return title


def _probe(name, attempt):
    try:
        attempt()
    except Exception as exc:  # noqa: BLE001 - the type is the answer
        print(f"{name}: {type(exc).__name__}")
    else:
        print(f"{name}: ok")


@stub.local_entrypoint()
def main():
    for member in ("webhook", "asgi", "wsgi"):
        print(f"stub.{member}: {hasattr(stub, member)}")
    print(f"submit: {hasattr(square, 'submit')}, enqueue: {hasattr(square, 'enqueue')}")
    _probe("Warm.ping.remote()", lambda: Warm.ping.remote())
    _probe("Warm().ping()", lambda: Warm().ping())
    _probe("Warm.remote()", lambda: Warm.remote())
    _probe("modal.cls.ClsMixin", lambda: modal.cls.ClsMixin)
    _probe("asgi factory with a default", lambda: modal.asgi_app()(_factory))


@stub.local_entrypoint()
def idle():
    print("idle", square.remote(3))

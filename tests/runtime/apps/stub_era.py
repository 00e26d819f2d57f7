"""A Stub-era program (each member as the release that last had it); runs only under `legacy`."""

import modal

stub = modal.Stub("stub-era")


@stub.cls()
class Model(modal.cls.ClsMixin):
    def __init__(self, offset=1):
        self.offset = offset

    @modal.method()
    def predict(self, x):
        return x + self.offset

    @modal.method()
    def count(self, n):
        yield from range(n)


@stub.function()
def square(x):
    return x * x


@stub.webhook(method="POST", wait_for_response=True)
def hook(body):
    return body


@stub.asgi
def web(title="stub-era"):
    return title


@stub.wsgi(label="wsgi-app")
def flask_app():
    return "wsgi"


@stub.local_entrypoint()
def main():
    print("class method", Model.predict.remote(1))
    print("plain call", Model().predict(2))
    print("remote constructor", Model.remote(10).predict.remote(3))
    print("submit", square.submit(4).get(), "enqueue", square.enqueue(5).get())
    print("web kinds", hook.web, web.web, flask_app.web)
    for call in (lambda: hook.remote({}), lambda: Model().count(3)):
        try:
            call()
        except modal.exception.InvalidError as exc:
            print("refused:", str(exc).splitlines()[0])

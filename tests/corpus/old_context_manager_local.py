"""The class is also used as a context manager locally: the tool must report, not rewrite."""
import modal

stub = modal.Stub("cm-local")


@stub.cls()
class Resource:
    def __enter__(self):
        self.handle = open("/dev/null")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.handle.close()

    @modal.method()
    def ping(self) -> str:
        return "pong"


def local_check():
    with Resource() as r:
        return r.handle.closed

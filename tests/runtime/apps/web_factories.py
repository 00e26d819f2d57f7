import modal

app = modal.App("web-factories")


@app.cls(min_containers=1)
class Site:
    @modal.enter()
    def setup(self):
        self.greeting = "hello"

    @modal.asgi_app()
    def web(self):
        async def asgi(scope, receive, send):
            await send({"type": "http.response.start", "status": 200, "headers": []})

        return asgi

    @modal.wsgi_app()
    def legacy_web(self):
        return lambda environ, start_response: [self.greeting.encode()]

    @modal.method()
    def hello(self, name):
        return f"{self.greeting} {name}"


@app.local_entrypoint()
def main():
    print(Site().hello.remote("web"))

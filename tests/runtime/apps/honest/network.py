import urllib.request

import modal

app = modal.App("network")


@app.function()
def fetch(url):
    return urllib.request.urlopen(url, timeout=5).read()[:10]


@app.local_entrypoint()
def main():
    print(fetch.remote("http://example.com/"))

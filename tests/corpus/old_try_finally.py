import modal

app = modal.App("try-finally")

_client = None


@app.function()
def query(sql: str) -> list:
    global _client
    if _client is None:
        import sqlite3

        _client = sqlite3.connect(":memory:")
    return _client.execute(sql).fetchall()

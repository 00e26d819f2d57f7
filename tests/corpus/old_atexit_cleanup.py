import atexit

import modal

app = modal.App("db-writer")

_conn = None


def connect():
    import sqlite3

    return sqlite3.connect("/tmp/app.db")


@app.function()
def write(row: tuple) -> int:
    global _conn
    if _conn is None:
        _conn = connect()
        atexit.register(_conn.close)
    _conn.execute("create table if not exists t (a, b)")
    _conn.execute("insert into t values (?, ?)", row)
    _conn.commit()
    return 1


@app.local_entrypoint()
def main():
    print(sum(write.map([(1, 2), (3, 4)])))

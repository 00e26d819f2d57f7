import os

import modal

app = modal.App("secret")


@app.function(secrets=[modal.Secret.from_name("openai")])
def ask(prompt):
    return os.environ["MIGRATE_TEST_OPENAI_KEY"] + prompt


@app.local_entrypoint()
def main():
    print(ask.remote("hi"))

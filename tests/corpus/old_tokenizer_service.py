import modal

stub = modal.Stub("tokenizer")
image = modal.Image.debian_slim().pip_install("tokenizers")


@stub.cls(image=image, keep_warm=1, container_idle_timeout=600, allow_concurrent_inputs=16)
class Tokenizer:
    def __enter__(self):
        from tokenizers import Tokenizer as HFTokenizer

        self.tok = HFTokenizer.from_pretrained("bert-base-uncased")

    @modal.method
    def encode(self, text: str) -> list[int]:
        return self.tok.encode(text).ids

    @modal.method
    def decode(self, ids: list[int]) -> str:
        return self.tok.decode(ids)


@stub.local_entrypoint()
def main():
    ids = Tokenizer().encode.remote("hello modal")
    print(Tokenizer().decode.remote(ids))

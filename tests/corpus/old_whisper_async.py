"""Async transcription service with an async setup hook."""
import modal

stub = modal.Stub("whisper")
volume = modal.Volume.from_name("whisper-cache", create_if_missing=True)
image = modal.Image.debian_slim().apt_install("ffmpeg").pip_install("openai-whisper")


@stub.cls(gpu="T4", image=image, volumes={"/cache": volume})
class Transcriber:
    async def __aenter__(self):
        import whisper

        self.model = whisper.load_model("base", download_root="/cache")

    async def __aexit__(self, exc_type, exc, tb):
        await volume.commit.aio()

    @modal.method()
    async def transcribe(self, audio: bytes) -> str:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".mp3") as f:
            f.write(audio)
            f.flush()
            return self.model.transcribe(f.name)["text"]


@stub.local_entrypoint()
def main(path: str = "speech.mp3"):
    with open(path, "rb") as f:
        print(Transcriber().transcribe.remote(f.read()))

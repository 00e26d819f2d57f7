from modal import Image, Stub, method

image = Image.debian_slim().pip_install("pillow")
stub = Stub("thumbnails", image=image)


# untouched:begin
class Size:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
# untouched:end


@stub.cls()
class Thumbnailer:
    def __enter__(self):
        from PIL import Image as PILImage

        self.open = PILImage.open

    @method()
    def thumbnail(self, data: bytes, size: int = 128) -> bytes:
        import io

        img = self.open(io.BytesIO(data))
        img.thumbnail((size, size))
        out = io.BytesIO()
        img.save(out, format="JPEG")
        return out.getvalue()

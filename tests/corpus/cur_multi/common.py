import modal

app = modal.App("cur-multi")
image = modal.Image.debian_slim()

import modal

stub = modal.Stub("gpu-any")


@stub.function(gpu=modal.gpu.Any(), concurrency_limit=5)
def check_gpu() -> str:
    import subprocess

    return subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True).stdout


@stub.function(gpu=modal.gpu.T4(count=2))
def two_t4s() -> int:
    return 2

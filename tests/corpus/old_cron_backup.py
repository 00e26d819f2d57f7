import modal

stub = modal.Stub("backup")
data = modal.Volume.from_name("data", create_if_missing=True)


# untouched:begin
def backup_name(stamp: str) -> str:
    return f"backup-{stamp}.tar.gz"
# untouched:end


@stub.function(schedule=modal.Cron("0 3 * * *"), volumes={"/data": data}, secrets=[modal.Secret.from_name("s3")])
def nightly():
    import datetime
    import subprocess

    stamp = datetime.datetime.utcnow().strftime("%Y%m%d")
    subprocess.run(["tar", "czf", f"/tmp/{backup_name(stamp)}", "/data"], check=True)

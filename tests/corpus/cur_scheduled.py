import modal

app = modal.App("cur-scheduled")


@app.function(schedule=modal.Period(hours=6), secrets=[modal.Secret.from_name("api-key")])
def sync():
    import os

    return os.environ.get("API_KEY", "")[:4]


@app.function(schedule=modal.Cron("*/15 * * * *"), max_containers=1)
def poll():
    return "polled"

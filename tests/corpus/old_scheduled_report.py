import datetime

import modal

stub = modal.Stub("daily-report")
image = modal.Image.debian_slim().pip_install("requests")

_session = None


@stub.function(schedule=modal.Period(days=1), image=image, secrets=[modal.Secret.from_name("slack")])
def send_report():
    global _session
    if _session is None:
        import requests

        _session = requests.Session()
    today = datetime.date.today().isoformat()
    _session.post("https://hooks.slack.com/services/x", json={"text": f"report for {today}"})


@stub.function(schedule=modal.Cron("0 6 * * 1"), keep_warm=0)
def weekly_cleanup():
    print("cleaning up")

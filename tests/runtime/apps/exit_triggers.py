"""One local entrypoint per row of the semantics doc's "when exit hooks run" / "when a hook raises" tables."""

import os
import signal
import time

import modal

app = modal.App("exit-triggers")
events = modal.Queue.from_name("events", create_if_missing=True)
volume = modal.Volume.from_name("exit-data", create_if_missing=True)


@app.cls(scaledown_window=0.2, max_containers=1, volumes={"/data": volume})
class Idle:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    def work(self, x):
        return x * 2

    @modal.exit()
    def teardown(self):
        with open("/data/exit.txt", "w") as fh:
            fh.write("written by exit hook")
        events.put("exited")


@app.function(volumes={"/data": volume})
def read_volume():
    with open("/data/exit.txt") as fh:
        return fh.read()


@app.local_entrypoint()
def scaledown():
    print("result", Idle().work.remote(1))
    print("event", events.get(timeout=10))  # the exit hook runs while main is still running
    print("volume", read_volume.remote())


@app.cls(max_containers=1)
class Plain:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    def work(self, x):
        if x < 0:
            raise ValueError("negative")
        return x

    @modal.method()
    def stop_after_this(self, x):
        modal.experimental.stop_fetching_inputs()
        return x

    @modal.exit()
    def teardown(self):
        pass


@app.local_entrypoint()
def end_of_run():
    print("result", Plain().work.remote(3))


@app.local_entrypoint()
def input_error():
    try:
        Plain().work.remote(-1)
    except ValueError as exc:
        print("caught", type(exc).__name__, exc)
    print("result", Plain().work.remote(2))


@app.local_entrypoint()
def graceful_stop():
    print("result", Plain().stop_after_this.remote(1))
    print("result", Plain().stop_after_this.remote(2))


@app.cls(max_inputs=1)
class SingleUse:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    def work(self, x):
        return x

    @modal.exit()
    def teardown(self):
        pass


@app.local_entrypoint()
def single_use():
    print("results", [SingleUse().work.remote(i) for i in range(2)])


@app.cls(max_containers=1)
class Interruptible:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    def slow(self):
        events.put(os.getpid())
        time.sleep(20)
        return "finished"

    @modal.exit()
    def teardown(self):
        print("teardown ran")


@app.local_entrypoint()
def sigint_input():
    call = Interruptible().slow.spawn()
    os.kill(events.get(timeout=10), signal.SIGINT)
    try:
        call.get()
    except Exception as exc:
        print("caught", type(exc).__name__)


@app.cls(max_containers=1)
class SlowEnter:
    @modal.enter()
    def setup(self):
        events.put(os.getpid())
        time.sleep(20)

    @modal.method()
    def work(self):
        return "served"

    @modal.exit()
    def teardown(self):
        print("teardown ran")


@app.local_entrypoint()
def sigint_enter():
    call = SlowEnter().work.spawn()
    os.kill(events.get(timeout=10), signal.SIGINT)
    time.sleep(0.5)
    print("done")


@app.cls(scaledown_window=0.1, max_containers=1)
class SlowExit:
    @modal.method()
    def work(self):
        return "served"

    @modal.exit()
    def teardown(self):
        events.put(os.getpid())
        time.sleep(1.0)
        print("teardown finished")

    @modal.exit()
    def second(self):
        print("second exit hook ran")


@app.local_entrypoint()
def sigint_exit():
    SlowExit().work.remote()
    os.kill(events.get(timeout=10), signal.SIGINT)
    time.sleep(2.0)


@app.local_entrypoint()
def grace():
    SlowExit().work.remote()  # the run ends at once; exit hooks get the grace period, then SIGKILL


@app.function()
def terminate():
    os.kill(os.getpid(), signal.SIGTERM)


@app.local_entrypoint()
def sigterm():
    try:
        terminate.remote()
    except Exception as exc:
        print("caught", type(exc).__name__)


@app.cls(max_containers=1)
class BadEnter:
    @modal.enter()
    def first(self):
        raise RuntimeError("enter failed")

    @modal.enter()
    def second(self):
        print("second enter ran")

    @modal.method()
    def work(self):
        return "served"

    @modal.exit()
    def teardown(self):
        print("teardown ran")


@app.local_entrypoint()
def enter_raises():
    try:
        BadEnter().work.remote()
    except RuntimeError as exc:
        print("caught", type(exc).__name__, exc)


@app.cls(max_containers=1)
class BadExit:
    @modal.method()
    def work(self):
        return "served"

    @modal.exit()
    def first(self):
        raise RuntimeError("exit failed")

    @modal.exit()
    def second(self):
        print("second exit ran")


@app.local_entrypoint()
def exit_raises():
    print("result", BadExit().work.remote())


@app.cls(max_containers=1, timeout=0.3)
class Timed:
    @modal.enter()
    def setup(self):
        pass

    @modal.method()
    def work(self, seconds):
        time.sleep(seconds)
        return seconds

    @modal.exit()
    def teardown(self):
        pass


@app.local_entrypoint()
def input_timeout():
    try:
        Timed().work.remote(2)
    except modal.exception.FunctionTimeoutError:
        print("caught FunctionTimeoutError")
    print("result", Timed().work.remote(0))


@app.local_entrypoint()
def cancel_pending():
    model = Timed()
    running = model.work.spawn(0.2)
    waiting = model.work.spawn(0.1)
    waiting.cancel()
    try:
        waiting.get()
    except modal.exception.InputCancellation:
        print("caught InputCancellation")
    print("result", running.get())

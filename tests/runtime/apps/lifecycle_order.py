"""Hook order: base class first, snap before enter, sync and async hooks in definition order."""

import modal

app = modal.App("lifecycle-order")


class Base:
    @modal.enter()
    def base_setup(self):
        self.log = ["base_setup"]

    @modal.enter()
    def shared(self):
        self.log.append("Base.shared")

    @modal.exit()
    def base_exit(self):
        print("base_exit ran")


@app.cls(enable_memory_snapshot=True, max_containers=1)
class Model(Base):
    @modal.enter(snap=True)
    def snap_hook(self):
        self.snapped = True

    def shared(self):  # undecorated override: the decorated base hook still runs
        self.log.append("Model.shared (wrong)")

    @modal.enter()
    async def async_setup(self):
        self.log.append("async_setup")

    @modal.method()
    def report(self, x):
        return [x, self.snapped, *self.log]

    @modal.exit()
    def sync_exit(self, *args):
        print("sync_exit args", args)

    @modal.exit()
    async def async_exit(self):
        print("async_exit ran")


@app.local_entrypoint()
def main():
    model = Model()
    for i in range(3):
        print("result", model.report.remote(i))

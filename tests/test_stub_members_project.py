"""MOD304 and MOD302 across modules: ClsMixin's constructor of an imported class, `app.image` on an imported app."""

from __future__ import annotations

import textwrap
from pathlib import Path

from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

COMMON = textwrap.dedent("""
    import modal

    app = modal.App("example")


    @app.cls()
    class Scaler:
        @modal.method()
        def scale(self, x):
            return 2 * x


    class Plain:
        @staticmethod
        def remote(x):
            return x
    """)

JOBS = textwrap.dedent("""
    import modal

    from common import Plain, Scaler, app

    app.image = modal.Image.debian_slim()


    @app.local_entrypoint()
    def main():
        print(Scaler.remote().scale.remote(1), Plain.remote(2))
    """)


def _run(tmp_path: Path, mode: str) -> dict[str, list]:
    (tmp_path / "common.py").write_text(COMMON)
    (tmp_path / "jobs.py").write_text(JOBS)
    results = process_paths([tmp_path], Options(mode, ALL_RULES))
    return {r.path.name: r.found for r in results}


def test_the_constructor_of_an_imported_modal_class_becomes_a_call(tmp_path: Path) -> None:
    _run(tmp_path, "fix")
    jobs = (tmp_path / "jobs.py").read_text()
    assert "Scaler().scale.remote(1)" in jobs
    assert "Plain.remote(2)" in jobs  # not a Modal class: its own `remote` stays


def test_an_image_set_on_an_imported_app_names_the_module_that_creates_it(tmp_path: Path) -> None:
    found = _run(tmp_path, "check")
    (image,) = [d for d in found["jobs.py"] if d.code == "MOD302"]
    assert not image.fixable
    assert "common.py" in image.message and "App(..., image=...)" in image.message

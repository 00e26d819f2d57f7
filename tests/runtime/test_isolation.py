"""The real `modal` is never imported by run/verify, even when one is first on the path."""

import os
import subprocess
import sys
import textwrap

from conftest import run


def _fake_modal(tmp_path):
    marker = tmp_path / "imported.txt"
    package = tmp_path / "fake" / "modal"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(f"""
        import os
        with open({str(marker)!r}, "a") as fh:
            fh.write(str(os.getpid()) + "\\n")
    """))
    return package.parent, marker


def test_fake_modal_on_the_path_is_never_imported(tmp_path, monkeypatch):
    fake_dir, marker = _fake_modal(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(fake_dir)}
    subprocess.run([sys.executable, "-c", "import modal"], env=env, check=True)
    assert marker.exists()  # the fake is what a plain `import modal` finds on this path
    marker.unlink()

    monkeypatch.setenv("PYTHONPATH", str(fake_dir))
    result = run("lifecycle_order")
    assert result.returncode == 0, result.stderr
    assert any(e["event"] == "input" for e in result.events)  # containers imported `modal` too
    assert not marker.exists()


def test_runtime_does_not_import_libcst_or_rules():
    code = "import sys, migrate.runtime.api, migrate.runtime.container; " \
           "print([m for m in sys.modules if m.split('.')[0] in ('libcst', 'rules', 'modal')])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unsupported_modal_attribute_names_itself(tmp_path):
    app = tmp_path / "uses_sandbox.py"
    app.write_text(textwrap.dedent("""
        import modal
        app = modal.App()

        @app.local_entrypoint()
        def main():
            modal.Sandbox.create()
    """))
    from migrate.runtime import run_app

    result = run_app(app, timeout=30)
    assert result.returncode == 1
    assert "modal.Sandbox is not supported by the migrate reference runtime" in result.stderr

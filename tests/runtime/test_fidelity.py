"""Misuse that Modal rejects is rejected here too, with Modal's message (modal 1.6.4 source cited per case).

Each case runs against the runtime's surface in this process and, when the real `modal` package is
installed, against real modal in a subprocess (decoration-time errors need no network).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import containers, run

from migrate.runtime import surface

# name -> (code, exception type, message). Messages as written in modal 1.6.4:
CASES = {
    # app.py, App.cls: CONCURRENT partial methods on the class
    "concurrent_on_method": ("""
        @app.cls()
        class C:
            @modal.concurrent(max_inputs=2)
            @modal.method()
            def f(self):
                pass
    """, "InvalidError", "The `@modal.concurrent` decorator cannot be used on methods; decorate the class instead."),
    # _partial_function.py, validate_flag_composition
    "enter_stacked_with_method": ("""
        @app.cls()
        class C:
            @modal.enter()
            @modal.method()
            def f(self):
                pass
    """, "InvalidError", "Interface decorators cannot be combined with lifecycle decorators."),
    # _partial_function.py, validate_flag_composition
    "method_with_web_decorator": ("""
        @app.cls()
        class C:
            @modal.method()
            @modal.fastapi_endpoint()
            def f(self):
                pass
    """, "InvalidError", "Callable decorators cannot be combined with web interface decorators."),
    # _partial_function.py, validate_obj_compatibility (require_sync)
    "async_asgi_factory": ("""
        @app.function()
        @modal.asgi_app()
        async def web():
            pass
    """, "InvalidError", "The `@modal.asgi_app` decorator can't be applied to an async function."),
    # _partial_function.py, validate_obj_compatibility (require_nullary)
    "wsgi_factory_with_parameters": ("""
        @app.function()
        @modal.wsgi_app()
        def web(prefix):
            pass
    """, "InvalidError", "Functions decorated by `@modal.wsgi_app` can't have parameters."),
    # _partial_function.py, concurrent()
    "concurrent_target_above_max": ("""
        @app.function()
        @modal.concurrent(max_inputs=2, target_inputs=4)
        def f():
            pass
    """, "InvalidError", "`target_inputs` parameter cannot be greater than `max_inputs`."),
    # _partial_function.py, verify_concurrent_params (called by App.function)
    "concurrent_without_max_inputs": ("""
        @app.function()
        @modal.concurrent(target_inputs=4)
        def f():
            pass
    """, "TypeError", "`@modal.concurrent()` missing required argument: `max_inputs`."),
    # _partial_function.py, validate_obj_compatibility (wrapped object is a Function)
    "method_on_top_of_function": ("""
        @modal.method()
        @app.function()
        def f():
            pass
    """, "InvalidError", "Cannot stack `@modal.method` on top of `@app.function`. Hint: swap the order of the decorators."),
}
_PRELUDE = "import modal\napp = modal.App('fidelity')\n"
_REAL = """
import json, sys, textwrap
cases = json.loads(sys.stdin.read())
found = {}
for name, code in cases.items():
    try:
        exec(compile(textwrap.dedent(code), name, "exec"), {"__name__": "fidelity_" + name})
        found[name] = None
    except BaseException as exc:
        found[name] = [type(exc).__name__, str(exc)]
print(json.dumps(found))
"""


def _ours(code: str) -> BaseException | None:
    namespace = {"__name__": "fidelity_case", "modal": surface}
    try:
        exec(compile(_PRELUDE.replace("import modal\n", "") + textwrap.dedent(code), "case", "exec"), namespace)
    except BaseException as exc:
        return exc
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_runtime_raises_modals_error(name: str) -> None:
    code, kind, message = CASES[name]
    exc = _ours(code)
    assert exc is not None, f"{name} was accepted"
    assert (type(exc).__name__, str(exc)) == (kind, message)


def test_real_modal_raises_the_same_errors() -> None:
    probe = subprocess.run([sys.executable, "-c", "import modal; print(modal.__version__)"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("the real modal package is not installed")
    cases = {name: _PRELUDE + textwrap.dedent(code) for name, (code, _, _) in CASES.items()}
    done = subprocess.run([sys.executable, "-c", _REAL], input=json.dumps(cases), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found == {name: [kind, message] for name, (_, kind, message) in CASES.items()}


def test_correct_use_is_still_accepted() -> None:
    assert _ours("""
        @app.cls()
        @modal.concurrent(max_inputs=2)
        class C:
            @modal.enter()
            def setup(self):
                pass

            @modal.asgi_app()
            def web(self):
                pass
    """) is None


def test_remote_calls_on_a_web_endpoint_are_refused() -> None:
    # modal 1.6.4 _functions.py, _Function._check_no_web_url (raised by .remote, .map, .spawn, ...)
    namespace: dict[str, object] = {"__name__": "fidelity_web", "modal": surface}
    exec(compile(_PRELUDE.replace("import modal\n", "") + textwrap.dedent("""
        @app.function()
        @modal.fastapi_endpoint()
        def price(item: str = "tea"):
            return 3
    """), "case", "exec"), namespace)
    price = namespace["price"]
    for style in ("remote", "spawn", "map"):
        with pytest.raises(surface.exception.InvalidError) as info:
            getattr(price, style)("tea")
        assert str(info.value) == (
            f"A webhook function cannot be invoked for remote execution with `.{style}`. Invoke this function via "
            f"its web url '{price.get_web_url()}' or call it locally: price.local()"
        )
    assert price.local("tea") == 3


def test_web_app_factories_are_their_own_step_after_the_enter_hooks() -> None:
    result = run("web_factories")
    assert result.error is None, result.stderr
    for cid, items in containers(result.events).items():
        enters = [e["method"] for e in items if e["event"] == "enter"]
        factories = [(e["method"], e["kind"]) for e in items if e["event"] == "web_app"]
        assert enters == ["setup"], cid
        assert factories == [("web", "asgi"), ("legacy_web", "wsgi")], cid
        kinds = [e["event"] for e in items]
        assert kinds.index("web_app") > kinds.index("enter")
        assert all(kinds.index("web_app") < i for i, k in enumerate(kinds) if k == "input")

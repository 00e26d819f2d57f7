"""A hypothesis strategy for random old-style Modal programs: one app module and optional callers.

It combines what the rules target: `Stub`/`App` under any import spelling (`import modal as m`,
`from modal import App as A`), classes with any mix of dunder and decorated lifecycle hooks, bare
decorators, renamed options, a plain base class carrying hooks, async hooks, functions with a lazily
initialised global, and call sites in other modules. Every program also holds code unrelated to
Modal (`untouched` blocks), which the migration must leave byte for byte.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from hypothesis import strategies as st

DUNDERS = ("__enter__", "__exit__", "__aenter__", "__aexit__")


@dataclass
class Program:
    files: dict[str, str]  # file name -> source
    untouched: list[str] = field(default_factory=list)  # blocks that must survive verbatim
    app_module: str = ""


def _untouched(index: int) -> str:
    if index % 2:
        return f"class Plain{index}:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        return False\n"
    return f"def untouched_{index}(a, b=2):\n    # plain code: no Modal here\n    return a + b * {index}\n"


def _hook(name: str) -> str:
    body = f"        self.{name.strip('_')} = {len(name)}\n"
    if name in ("__exit__", "__aexit__"):
        asyncness = "async " if name == "__aexit__" else ""
        return f"    {asyncness}def {name}(self, exc_type, exc, tb):\n{body}"
    asyncness = "async " if name == "__aenter__" else ""
    return f"    {asyncness}def {name}(self):\n{body}"


def _decorated(kind: str, modal: str, index: int) -> str:
    decorator = {"enter": f"@{modal}.enter()", "snap": f"@{modal}.enter(checkpoint=True)", "exit": f"@{modal}.exit()"}[kind]
    return f"    {decorator}\n    def hook_{kind}_{index}(self):\n        self.{kind}_{index} = True\n"


@st.composite
def _class(draw: st.DrawFn, index: int, modal: str, app: str, base: str | None) -> str:
    dunders = draw(st.lists(st.sampled_from(DUNDERS), unique=True, max_size=4))
    decorated = draw(st.lists(st.sampled_from(("enter", "snap", "exit")), unique=True, max_size=2))
    options = draw(st.sampled_from(("", "keep_warm=1", "container_idle_timeout=60", "concurrency_limit=2", "allow_concurrent_inputs=4",
                                    f"gpu={modal}.gpu.A10G()", f'gpu={modal}.gpu.A100(size="80GB", count=2)')))
    if "snap" in decorated:  # Modal refuses snap hooks on a class without memory snapshots
        options = ", ".join(filter(None, [options, draw(st.sampled_from(("enable_memory_snapshot=True", "checkpointing_enabled=True")))]))
    bare = draw(st.booleans()) and not options
    decorator = f"@{app}.cls" if bare else f"@{app}.cls({options})"
    method = f"@{modal}.method" if draw(st.booleans()) else f"@{modal}.method()"
    is_async = draw(st.booleans())
    parts = [_hook(name) for name in dunders] + [_decorated(kind, modal, index) for kind in decorated]
    parts.append(f"    {method}\n    {'async ' if is_async else ''}def run(self, x):\n        return x + {index}\n")
    if "__enter__" in dunders and draw(st.booleans()):  # the class calls its own dunder
        parts.append(f"    {method}\n    def reset(self):\n        self.__enter__()\n        return True\n")
    if draw(st.booleans()):
        parts.append(f"    @{modal}.web_endpoint()\n    def status(self):\n        return {{'model': {index}}}\n")
    header = f"{decorator}\nclass Model{index}{f'({base})' if base else ''}:\n"
    return header + "\n".join(parts)


@st.composite
def _base(draw: st.DrawFn) -> str:
    dunders = draw(st.lists(st.sampled_from(("__enter__", "__exit__")), unique=True, min_size=1, max_size=2))
    return "class Base:\n" + "\n".join(_hook(name) for name in dunders)


@st.composite
def _lazy_function(draw: st.DrawFn, app: str) -> str:
    """A function whose setup hides in its body: a lazily initialised global or a cached loader."""
    shape = draw(st.sampled_from(("is_none", "falsy", "cache")))
    if shape == "cache":
        return (
            "import functools\n\n\n@functools.cache\ndef load_model():\n    return lambda x: x * 2\n\n\n"
            f"@{app}.function()\ndef predict(x):\n    return load_model()(x)\n"
        )
    test = "_model is None" if shape == "is_none" else "not _model"
    return (
        "_model = None\n\n\n"
        "def load_model():\n    return lambda x: x * 2\n\n\n"
        f"@{app}.function()\n"
        f"def predict(x):\n    global _model\n    if {test}:\n        _model = load_model()\n    return _model(x)\n"
    )


def _caller(app_module: str, alias: bool, helper: str) -> str:
    if alias:
        return f"import {app_module} as service\n\n\ndef use():\n    return service.predict.remote(3)\n\n\n{helper}"
    return (
        f"from {app_module} import predict\n\n\ndef use():\n    return predict.remote(3)\n\n\n"
        f"def use_many(xs):\n    return list(predict.map(xs))\n\n\n{helper}"
    )


@st.composite
def _imports(draw: st.DrawFn) -> tuple[str, str, str]:
    """The import lines, the name that reaches the modal module, the expression that builds the app."""
    style = draw(st.sampled_from(("plain", "alias", "from_app", "from_stub")))
    legacy = draw(st.booleans())
    constructor = "Stub" if legacy else "App"
    if style == "plain":
        return "import modal\n", "modal", f"modal.{constructor}"
    if style == "alias":
        return "import modal as m\n", "m", f"m.{constructor}"
    alias = "A" if style == "from_app" else "S"
    name = "App" if style == "from_app" else "Stub"
    return f"import modal\nfrom modal import {name} as {alias}\n", "modal", alias


@st.composite
def modal_programs(draw: st.DrawFn) -> Program:
    tag = uuid.uuid4().hex[:8]  # module names unique per example: imports are cached per process
    imports, modal, constructor = draw(_imports())
    app = draw(st.sampled_from(("stub", "app", "my_app")))
    chunks = [imports, f'{app} = {constructor}("generated-{tag}")\n']
    untouched = [_untouched(0)]
    chunks.append(untouched[0])
    base = draw(_base()) if draw(st.booleans()) else None
    if base:
        chunks.append(base)
    for index in range(draw(st.integers(1, 3))):
        chunks.append(draw(_class(index, modal, app, "Base" if base and index == 0 else None)))
        untouched.append(_untouched(index + 1))
        chunks.append(untouched[-1])
    lazy = draw(st.booleans())
    if lazy:
        chunks.append(draw(_lazy_function(app)))
    calls = "    print(Model0().run.remote(1))\n" + ("    print(predict.remote(2))\n" if lazy else "")
    chunks.append(f"@{app}.local_entrypoint()\ndef main():\n{calls}")
    if draw(st.booleans()):  # the class is also a context manager in local code
        chunks.append("def local_check():\n    with Model0() as model:\n        return model\n")
    app_module = f"app_{tag}"
    files = {f"{app_module}.py": "\n\n".join(chunks)}
    if lazy and draw(st.booleans()):
        helper = _untouched(99)
        files[f"caller_{tag}.py"] = _caller(app_module, draw(st.booleans()), helper)
        untouched.append(helper)
    return Program(files, untouched, app_module)

"""MOD504: `modal.Secret({...})` -> `modal.Secret.from_dict({...})`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid


class SecretFromDict(Rule):
    """Calling `modal.Secret(...)` with a dict has been an error since Modal 0.49: use `Secret.from_dict`.

    ## What it does
    Rewrites `modal.Secret({"KEY": value})` (or `env_dict=`) into `modal.Secret.from_dict(...)`
    with the same argument. A call that also passes `template_type=` is reported for a human.

    ## Why is this bad?
    The constructor form was deprecated in 0.49.2059 and an error from 0.49.2517; `Secret` objects
    are now made by class methods (`from_dict`, `from_name`, `from_dotenv`).

    ## Example
    ```python
    secret = modal.Secret({"API_KEY": os.environ["API_KEY"]})
    ```

    ## Use instead
    ```python
    secret = modal.Secret.from_dict({"API_KEY": os.environ["API_KEY"]})
    ```

    ## Fix safety
    Safe: `from_dict` builds the same secret from the same mapping, lazily, as the constructor did.

    ## References
    Modal 0.49.2059 (deprecated, `Secret.from_dict`), 0.49.2517 (error)
    """

    CODE = "MOD504"
    NAME = "secret-from-dict"
    MESSAGE = "`modal.Secret({...})` is an error since Modal 0.49; use `modal.Secret.from_dict({...})`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.49.2059"
    TOKENS = (b"Secret(",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            if ctx.names.qualify(call.func) != "modal.Secret":
                continue
            if not _dict_arguments(call):
                yield self.finding(call.func, None, message=f"{self.MESSAGE} (not fixed: `template_type=` has no counterpart)")
                continue
            from_dict = cst.Attribute(call.func, cst.Name("from_dict"))
            yield self.finding(call.func, Fix(((call.func, from_dict),)))

    VALID = [
        Valid(
            "from_dict and from_name",
            """
            import modal

            a = modal.Secret.from_dict({"KEY": "1"})
            b = modal.Secret.from_name("api")
            """,
        ),
        Valid(
            "a Secret class of another library",
            """
            import modal
            from vault import Secret

            s = Secret({"KEY": "1"})
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "positional and keyword",
            """
            import modal
            from modal import Secret as S

            a = modal.Secret({"KEY": "1"})
            b = S(env_dict={"OTHER": "2"})
            """,
            """
            import modal
            from modal import Secret as S

            a = modal.Secret.from_dict({"KEY": "1"})
            b = S.from_dict(env_dict={"OTHER": "2"})
            """,
        ),
        Invalid(
            "a template type is for a human",
            """
            import modal

            a = modal.Secret({"KEY": "1"}, template_type="aws")
            """,
        ),
    ]


def _dict_arguments(call: cst.Call) -> bool:
    """The call passes at most the mapping, positionally or as `env_dict=`, as `from_dict` takes it."""
    if len(call.args) > 1:
        return False
    return all(not a.star and (a.keyword is None or a.keyword.value == "env_dict") for a in call.args)

"""The reference runtime: an offline stand-in for `modal` with container lifecycle semantics."""

"""modal-upgrade: find and rewrite deprecated Modal code."""

__version__ = "0.1.0"

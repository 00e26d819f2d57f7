"""`modal.mount` (pre-1.0 import path of Mount)."""

from .resources import Mount

__all__ = ["Mount"]

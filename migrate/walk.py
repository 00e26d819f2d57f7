"""A read-only walk of a libcst tree, in libcst's own visiting order, without libcst's visitor.

`CSTNode.visit` rebuilds every node it passes (each `_visit_and_replace_children` constructs a
copy, even for a read-only `CSTVisitor`), which costs several times the walk itself. Reading the
children straight from the node's fields avoids that. The order of the fields is libcst's: it is
recorded once per node type by letting the type's `_visit_and_replace_children` announce its
attributes to a visitor that descends nowhere (`on_visit_attribute` is called for every child
field, present or not, in visiting order).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Iterator

import libcst as cst

_DEFAULT = cst.MaybeSentinel.DEFAULT

# Per node type: its child fields in visiting order, and the fields its visit announces only when
# they are set (None in every instance recorded so far: an f-string expression's `format_spec`).
_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


class _FieldOrder(cst.CSTVisitor):
    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__()
        self.node = node
        self.order: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False  # the children are not visited, only announced

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if node is self.node:
            self.order.append(attribute)


def child_fields(node: cst.CSTNode) -> tuple[str, ...]:
    """The names of the fields of `node`'s type that hold children, in libcst's visiting order."""
    known = _FIELDS.get(type(node))
    if known is not None and not any(getattr(node, name) is not None for name in known[1]):
        return known[0]
    recorder = _FieldOrder(node)
    node._visit_and_replace_children(recorder)
    order = _merged(known[0] if known else (), recorder.order)
    unset = tuple(f.name for f in fields(node) if f.name not in order and getattr(node, f.name) is None)
    _FIELDS[type(node)] = (order, unset)
    return order


def _merged(old: tuple[str, ...], new: list[str]) -> tuple[str, ...]:
    """`new`, with the fields only `old` announced kept after the field they followed."""
    merged = list(new)
    for i, name in enumerate(old):
        if name not in merged:
            merged.insert(merged.index(old[i - 1]) + 1 if i else 0, name)
    return tuple(merged)


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`node.children`, without rebuilding `node`."""
    known = _FIELDS.get(type(node))
    found: list[cst.CSTNode] = []
    for name in known[0] if known is not None and not known[1] else child_fields(node):
        value = getattr(node, name)
        if type(value) is tuple or type(value) is list:
            found.extend(value)
        elif value is not None and value is not _DEFAULT:  # a child field holds nodes, None or the sentinel
            found.append(value)
    return found


def preorder(root: cst.CSTNode, stop: type | None = None) -> Iterator[tuple[cst.CSTNode, cst.CSTNode | None]]:
    """Every node under `root` (itself first) with its parent, in the order `root.visit` meets
    them; the children of nodes of type `stop` are not entered."""
    stack: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(root, None)]
    pop, push = stack.pop, stack.append
    while stack:
        node, parent = pop()
        yield node, parent
        if type(node) is not stop:
            for child in reversed(children(node)):
                push((child, node))

"""The shape of a GraphQL document: what it asks for before any type is looked at.

Operations, root fields (aliases and fragments included), depth and the number of fields the
executor would visit, each fragment measured once however often it is spread: a document of a
few hundred bytes whose fragments spread each other twice per level is measured in linear
time, where walking it would take exponential time (the fragment bomb).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True)
class Measure:
    """What a selection set expands to."""

    fields: int
    """Fields and fragment spreads the executor would visit (lists counted once)."""
    depth: int
    """Levels of nested selection sets (``{ me { id } }`` is 1)."""
    top_fields: int
    """Fields at this level once its fragments are expanded (aliases counted)."""
    introspects: bool
    """Whether ``__schema`` or ``__type`` is selected anywhere below."""


EMPTY = Measure(0, 0, 0, introspects=False)


@dataclass(frozen=True, slots=True)
class OperationShape:
    name: str | None
    kind: OperationType
    measure: Measure


class DocumentShape:
    """Measures the operations of one document; each fragment is measured once."""

    def __init__(self, document: DocumentNode) -> None:
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._measured: dict[str, Measure] = {}
        self._measuring: set[str] = set()
        self.operations = [
            OperationShape(
                d.name.value if d.name else None, d.operation, self._selections(d.selection_set)
            )
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        ]

    def _selections(self, selection_set: SelectionSetNode | None) -> Measure:
        if selection_set is None:
            return EMPTY
        fields = depth = top = 0
        introspects = False
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                if node.name.value in INTROSPECTION_ROOTS:
                    # Its types and fields are the schema's, not data: not counted, but seen,
                    # so that a production gateway refuses it before anything else.
                    top += 1
                    introspects = True
                    continue
                inner = self._selections(node.selection_set)
                fields += 1 + inner.fields
                depth = max(depth, 1 + inner.depth if node.selection_set else 0)
                top += 1
                introspects = introspects or inner.introspects
                continue
            if isinstance(node, InlineFragmentNode):
                inner = self._selections(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                inner = self._fragment(node.name.value)
                fields += 1
            else:  # pragma: no cover - the three kinds of selection
                continue
            fields += inner.fields
            depth = max(depth, inner.depth)
            top += inner.top_fields
            introspects = introspects or inner.introspects
        return Measure(fields, depth, top, introspects)

    def _fragment(self, name: str) -> Measure:
        if (found := self._measured.get(name)) is not None:
            return found
        fragment = self._fragments.get(name)
        if fragment is None or name in self._measuring:
            return EMPTY  # unknown or cyclic: validation refuses the document
        self._measuring.add(name)
        measure = self._selections(fragment.selection_set)
        self._measuring.discard(name)
        self._measured[name] = measure
        return measure

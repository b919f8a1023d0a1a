"""The cost of a GraphQL query: how many values it can make the gateway produce.

Each field costs 1 (an alias is one more field) and so does each fragment spread; a field with
a size argument (``first``, ``limit``, ``maxPoints``, ``days``, ``weeks``) multiplies what is
under it by that size (the literal, the variable's value, or the argument's default), and any
other list by ``UNSIZED_LIST``. Each fragment is costed once per request, however often it is
spread. A document asking for too much (a dozen aliased 5,000-point streams, say) is refused
before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

SIZE_ARGUMENTS = ("first", "limit", "maxPoints", "days", "weeks")
UNSIZED_LIST = 10


class QueryCost:
    """Cost of one operation of a document, given the request's variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables
        self._costed: dict[str, int] = {}
        self._costing: set[str] = set()

    def of(self, operation: OperationDefinitionNode) -> int:
        root = self._schema.get_root_type(operation.operation)
        return self._selections(operation.selection_set, root) if root else 0

    def _selections(self, selection_set: SelectionSetNode | None, parent: object) -> int:
        if selection_set is None or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                field = parent.fields.get(node.name.value)
                if field is not None:
                    inner = self._selections(node.selection_set, get_named_type(field.type))
                    total += 1 + self._size(node, field) * max(inner, 1)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self._schema.get_type(condition.name.value) if condition else parent
                total += self._selections(node.selection_set, target)
            elif isinstance(node, FragmentSpreadNode):
                total += 1 + self._fragment(node.name.value)
        return total

    def _fragment(self, name: str) -> int:
        if (found := self._costed.get(name)) is not None:
            return found
        fragment = self._fragments.get(name)
        if fragment is None or name in self._costing:
            return 0  # unknown or cyclic: validation refuses the document
        self._costing.add(name)
        target = self._schema.get_type(fragment.type_condition.name.value)
        cost = self._selections(fragment.selection_set, target)
        self._costing.discard(name)
        self._costed[name] = cost
        return cost

    def _size(self, node: FieldNode, field: GraphQLField) -> int:
        given = {a.name.value: a.value for a in node.arguments or ()}
        for name in SIZE_ARGUMENTS:
            if name not in field.args:
                continue
            value = given.get(name)
            if isinstance(value, IntValueNode):
                return max(int(value.value), 1)
            if isinstance(value, VariableNode):
                found = self._variables.get(value.name.value)
                if isinstance(found, int):
                    return max(found, 1)
            default = field.args[name].default_value
            if isinstance(default, int):
                return max(default, 1)
        return UNSIZED_LIST if is_list_type(get_nullable_type(field.type)) else 1

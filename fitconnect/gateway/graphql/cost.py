"""The cost limit of a GraphQL query: how many values it can make the gateway produce.

Each field costs 1; a field with a size argument (``first``, ``limit``, ``maxPoints``,
``days``, ``weeks``) multiplies what is under it by that size (the literal, the variable's
value, or the argument's default), and any other list by ``UNSIZED_LIST``. A document asking
for too much (a dozen aliased 5,000-point streams, say) is refused before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
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
from strawberry.extensions import SchemaExtension

MAX_COST = 50_000
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
                fragment = self._fragments.get(node.name.value)
                if fragment is not None:
                    target = self._schema.get_type(fragment.type_condition.name.value)
                    total += self._selections(fragment.selection_set, target)
        return total

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


class QueryCostLimiter(SchemaExtension):
    """Refuse (code VALIDATION) an operation costing more than ``MAX_COST``."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None and not ctx.pre_execution_errors:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            cost = QueryCost(ctx.schema._schema, fragments, ctx.variables or {})
            for operation in document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                if (
                    ctx.operation_name
                    and operation.name
                    and operation.name.value != ctx.operation_name
                ):
                    continue
                if (found := cost.of(operation)) > MAX_COST:
                    ctx.pre_execution_errors = [
                        GraphQLError(
                            f"query cost {found:,} exceeds the limit of {MAX_COST:,}:"
                            " ask for fewer points or items",
                            extensions={"code": "VALIDATION"},
                        )
                    ]
        yield

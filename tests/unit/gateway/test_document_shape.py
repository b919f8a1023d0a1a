"""The shape of a GraphQL document, fragments measured once (no schema needed)."""

from graphql import parse

from fitconnect.gateway.graphql.shape import DocumentShape


def shape_of(document: str) -> tuple[int, int, int]:
    (operation,) = DocumentShape(parse(document)).operations
    m = operation.measure
    return m.fields, m.depth, m.top_fields


def test_depth_counts_nested_selection_sets_through_fragments() -> None:
    assert shape_of("{ me { id } }") == (2, 1, 1)
    nested = """
        query { ...A }
        fragment A on Query { a { ...B } }
        fragment B on X { b { ... on Y { c { d } } } }
    """
    fields, depth, top = shape_of(nested)
    assert depth == 3
    assert top == 1
    assert fields == 2 + 4  # two spreads, four fields


def test_a_fragment_spread_a_billion_times_is_measured_in_linear_time() -> None:
    fragments = ["fragment F0 on Query { me { id } }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 40)]
    fields, depth, top = shape_of("query { ...F39 }\n" + "\n".join(fragments))
    assert top == 2**39
    assert depth == 1
    assert fields > 2**40


def test_aliases_count_as_root_fields_and_cycles_end() -> None:
    assert shape_of("{ a: me { id } b: me { id } c: me { id } }")[2] == 3
    cyclic = "query { ...A } fragment A on Query { me { id } ...B } fragment B on Query { ...A }"
    assert shape_of(cyclic)[2] == 1  # validation refuses the cycle itself


def test_introspection_is_seen_not_counted() -> None:
    (operation,) = DocumentShape(parse("{ __schema { types { name } } }")).operations
    assert operation.measure.introspects
    assert operation.measure.fields == 0

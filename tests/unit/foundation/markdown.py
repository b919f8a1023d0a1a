"""Tables of the project's Markdown pages, as the tests that enforce them read them."""


def table_after(text: str, header: str) -> list[list[str]]:
    """The body rows (cells stripped) of the table whose header line is ``header``."""
    lines = text.splitlines()
    assert header in lines, f"no table {header!r}"
    start = lines.index(header) + 2  # the header, then the |---| line
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    width = header.count("|") - 1
    assert all(len(row) == width for row in rows), f"a row of {header!r} has the wrong width"
    return rows

"""Where ``../shared/data`` (the published GATT vectors and real FIT files) is.

It sits beside the repository; from a worktree nested deeper (``wt/<name>``) it is found
further up, so the first ancestor holding ``shared/data`` wins.
"""

from pathlib import Path

_HERE = Path(__file__).resolve()
SHARED_DATA = next(
    (p / "shared" / "data" for p in _HERE.parents if (p / "shared" / "data").is_dir()),
    _HERE.parents[1].parent / "shared" / "data",
)

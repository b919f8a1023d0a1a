"""A FIT activity as a track: analytics' own reading of the records, positions included.

The samples, lap starts and timer events come from ``fitconnect.analytics.fit_file`` (what
``fitconnect analytics fit`` computes from), so an uploaded file's sessions are that
command's figures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fitconnect.analytics.errors import ActivityFileError
from fitconnect.analytics.fit_file import read_fit
from fitconnect.platform.uploads.errors import UnreadableFileError
from fitconnect.platform.uploads.track import Point, Track, build_track, utc


def read_fit_track(data: bytes) -> Track:
    """The track of a FIT file's bytes; ``UnreadableFileError`` ``CORRUPT_FILE`` for a file
    fitdecode cannot read (truncated, a bad CRC, not FIT), ``NO_POINTS`` for one without
    timestamped records."""
    with tempfile.TemporaryDirectory(prefix="fitconnect-upload-") as folder:
        path = Path(folder) / "upload.fit"
        path.write_bytes(data)
        try:
            activity = read_fit(path)
        except ActivityFileError as exc:
            code = "NO_POINTS" if "no timestamped records" in str(exc) else "CORRUPT_FILE"
            raise UnreadableFileError(code, str(exc).replace("upload.fit: ", "")) from exc
    points = []
    for row in activity.samples.iter_rows(named=True):
        ts = utc(row.pop("ts"))
        lat, lon = activity.positions.get(ts, (None, None))
        points.append(Point(ts, row, lat, lon))
    return build_track(points, activity.lap_starts, activity.timer, activity.sport)

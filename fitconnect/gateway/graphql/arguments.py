"""Arguments several contexts' fields share, documented once."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

AthleteId = Annotated[
    uuid.UUID | None,
    strawberry.argument(
        description="Whose data to read: the caller's own when omitted; another athlete's only"
        " for a coach the athlete accepted (read-only), else FORBIDDEN."
    ),
]

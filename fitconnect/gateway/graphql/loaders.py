"""Per-request DataLoaders: each relation a query touches is read once, for all its items.

A list of sessions asking for each session's device, or coaching links asking for both
people, costs one statement per relation instead of one per item (no N+1); the same athlete
asked for by several root fields is authorized and resolved once per request.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from fitconnect.gateway.services import Services
from fitconnect.platform.auth.models import Principal
from fitconnect.platform.devices.service import Device
from fitconnect.platform.training.service import (
    Lap,
    SessionKey,
    SessionSpan,
    StreamSeries,
    Subject,
)
from fitconnect.platform.users.directory import AccountSummary, summaries

LapKey = tuple[Subject, SessionKey]
SeriesKey = tuple[Subject, SessionSpan, int]
"""A session's series: whose, which session, in at most how many buckets."""


@dataclass(frozen=True, slots=True)
class Loaders:
    subjects: DataLoader[uuid.UUID, Subject]
    devices: DataLoader[uuid.UUID, Device | None]
    accounts: DataLoader[uuid.UUID, AccountSummary | None]
    laps: DataLoader[LapKey, list[Lap]]
    session_series: DataLoader[SeriesKey, StreamSeries]

    @classmethod
    def create(cls, services: Services, principal: Principal) -> Loaders:
        async def load_subjects(ids: list[uuid.UUID]) -> list[Subject | BaseException]:
            found = await asyncio.gather(
                *(services.training.subject(principal, i) for i in ids), return_exceptions=True
            )
            return list(found)

        async def load_devices(ids: list[uuid.UUID]) -> list[Device | None]:
            found = await services.devices.by_ids(principal.tenant_id, ids)
            return [found.get(i) for i in ids]

        async def load_accounts(ids: list[uuid.UUID]) -> list[AccountSummary | None]:
            found = await summaries(services.pool, principal.tenant_id, ids)
            return [found.get(i) for i in ids]

        async def load_laps(keys: list[LapKey]) -> list[list[Lap]]:
            by_subject: dict[uuid.UUID, tuple[Subject, list[SessionKey]]] = {}
            for subject, session in keys:
                by_subject.setdefault(subject.athlete_id, (subject, []))[1].append(session)
            found: dict[SessionKey, list[Lap]] = {}
            for subject, sessions in by_subject.values():
                found |= await services.training.laps(subject, sessions)
            return [found.get(session, []) for _, session in keys]

        async def load_session_series(keys: list[SeriesKey]) -> list[StreamSeries]:
            groups: dict[tuple[uuid.UUID, int], tuple[Subject, list[SessionSpan]]] = {}
            for subject, span, max_points in keys:
                group = (subject.athlete_id, max_points)
                groups.setdefault(group, (subject, []))[1].append(span)
            found: dict[tuple[uuid.UUID, SessionSpan, int], StreamSeries] = {}
            for (athlete, max_points), (subject, spans) in groups.items():
                series = await services.training.session_series(subject, spans, max_points)
                found |= {
                    (athlete, s, max_points): one for s, one in zip(spans, series, strict=True)
                }
            return [found[(subject.athlete_id, span, n)] for subject, span, n in keys]

        return cls(
            DataLoader(load_fn=load_subjects),
            DataLoader(load_fn=load_devices),
            DataLoader(load_fn=load_accounts),
            DataLoader(load_fn=load_laps, cache_key_fn=lambda key: (key[0].athlete_id, key[1])),
            DataLoader(
                load_fn=load_session_series,
                cache_key_fn=lambda key: (key[0].athlete_id, key[1], key[2]),
            ),
        )

"""Reading ingest workers' ``/metrics`` back: for the benchmark, ``up``'s status line and its
wait for ingest to be ready."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families


@dataclass
class IngestSnapshot:
    """Counters summed over workers at one moment."""

    stored_samples: float = 0.0
    dead_letters: float = 0.0
    lag_buckets: dict[float, float] = field(default_factory=dict)

    def lag_quantile(self, q: float) -> float:
        """histogram_quantile as Prometheus computes it (linear within a bucket); NaN if empty."""
        ordered = sorted(self.lag_buckets.items())
        total = ordered[-1][1] if ordered else 0.0
        if total == 0:
            return float("nan")
        rank, prev_le, prev_count = q * total, 0.0, 0.0
        for le, cum in ordered:
            if cum >= rank:
                if le == float("inf"):
                    return prev_le
                return prev_le + (le - prev_le) * (rank - prev_count) / max(cum - prev_count, 1e-9)
            prev_le, prev_count = le, cum
        return prev_le


def subscribed(port: int, host: str = "127.0.0.1") -> bool:
    """True once the worker serving ``/metrics`` on ``port`` has its subscription; False
    while it starts (no answer yet, or ``fitconnect_ingest_broker_connected`` not 1)."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return False
    return any(
        s.name == "fitconnect_ingest_broker_connected" and s.value == 1
        for family in text_string_to_metric_families(text)
        for s in family.samples
    )


def scrape(ports: list[int], host: str = "127.0.0.1") -> IngestSnapshot:
    """Sum the workers' stored samples, dead letters and lag histograms."""
    snap = IngestSnapshot()
    for port in ports:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == "fitconnect_ingest_samples_total" and s.labels["result"] == "stored":
                    snap.stored_samples += s.value
                elif s.name == "fitconnect_ingest_dead_letters_total":
                    snap.dead_letters += s.value
                elif s.name == "fitconnect_ingest_lag_seconds_bucket":
                    le = float(s.labels["le"])
                    snap.lag_buckets[le] = snap.lag_buckets.get(le, 0.0) + s.value
    return snap

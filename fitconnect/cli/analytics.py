"""``fitconnect analytics``: workout analytics and gamification jobs."""

from __future__ import annotations

import json
import logging
import signal
import threading
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from rich.progress import Progress

from fitconnect.analytics.activity import file_sessions
from fitconnect.analytics.errors import AnalyticsError
from fitconnect.analytics.jobs import run_once
from fitconnect.analytics.metrics_export import AnalyticsMetrics
from fitconnect.analytics.params import AthleteParams
from fitconnect.analytics.repository import set_analytics_params, set_source_override
from fitconnect.analytics.sources import STREAMS
from fitconnect.cli.common import load_settings
from fitconnect.cli.lazy import HELP_STYLE
from fitconnect.platform.users.service import ProfileChange, require_account, set_parameters
from fitconnect.runtime.services import start_services

log = logging.getLogger(__name__)

app = typer.Typer(help="Workout analytics and gamification.", no_args_is_help=True, **HELP_STYLE)


class Sex(StrEnum):
    """Choices of ``--sex`` (Keytel calories and TRIMP weighting differ)."""

    male = "male"
    female = "female"


_SUMMARY: tuple[tuple[str, str, str], ...] = (
    ("duration_s", "duration", "s"),
    ("moving_time_s", "moving time", "s"),
    ("distance_m", "distance", "m"),
    ("avg_power_w", "avg power", "W"),
    ("max_power_w", "max power", "W"),
    ("normalized_power_w", "normalized power", "W"),
    ("intensity_factor", "intensity factor", ""),
    ("tss", "TSS", ""),
    ("work_kj", "work", "kJ"),
    ("avg_heart_rate_bpm", "avg heart rate", "bpm"),
    ("max_heart_rate_bpm", "max heart rate", "bpm"),
    ("trimp", "TRIMP", ""),
    ("hr_tss", "hrTSS", ""),
    ("calories_kcal", "calories", "kcal"),
)


def _print_session(index: int, report: dict[str, Any]) -> None:
    typer.echo(f"session {index} ({report['start_ts']} .. {report['end_ts']})")
    for key, label, unit in _SUMMARY:
        value = report.get(key)
        if value is not None:
            typer.echo(f"  {label:<18} {value:>10} {unit}")
    if report["best_efforts_w"]:
        efforts = ", ".join(f"{k} {v:.0f} W" for k, v in report["best_efforts_w"].items())
        typer.echo(f"  {'best efforts':<18} {efforts}")
    for lap in report["laps"]:
        typer.echo(f"  lap {lap['lap']:<14} {_lap_line(lap)}")


def _lap_line(lap: dict[str, Any]) -> str:
    """One lap in a line: duration, then whichever of distance, power, heart rate it has."""
    parts = [f"{lap['duration_s']:>6} s"]
    for key, unit in (
        ("distance_m", "m"),
        ("avg_power_w", "W avg"),
        ("normalized_power_w", "W NP"),
        ("avg_heart_rate_bpm", "bpm avg"),
    ):
        if lap[key] is not None:
            parts.append(f"{lap[key]:.0f} {unit}")
    return ", ".join(parts)


@app.command("fit")
def fit_command(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A FIT activity file.")],
    ftp: Annotated[float | None, typer.Option("--ftp", help="Threshold power (W).")] = None,
    hr_max: Annotated[float | None, typer.Option("--hr-max", help="Maximum heart rate.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per session.")] = False,
) -> None:
    """Compute session metrics of a FIT file from its records (never its own summary)."""
    reports = file_sessions(path, AthleteParams(ftp_w=ftp, hr_max_bpm=hr_max))
    if as_json:
        for report in reports:
            typer.echo(json.dumps(report))
        return
    for index, report in enumerate(reports, start=1):
        _print_session(index, report)


@app.command("run")
def run_command(
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
            help="Recompute everything from this instant (UTC), not only new data.",
        ),
    ] = None,
    athlete: Annotated[
        uuid.UUID | None, typer.Option("--athlete", help="Only this athlete's devices (uuid).")
    ] = None,
    every: Annotated[
        float | None,
        typer.Option(
            "--every", min=1, help="Keep running: a pass every N seconds (the scheduler)."
        ),
    ] = None,
) -> None:
    """Recompute what new data touched (incremental, idempotent)."""
    if every is not None:
        _schedule(every)
        return
    settings = load_settings()
    with start_services(settings) as services, Progress(transient=True) as bar:
        if athlete is not None:
            with psycopg.connect(services.database_url) as conn:
                require_account(conn, str(athlete))
        task = bar.add_task("analytics", total=5)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        try:
            summary = run_once(
                services.database_url,
                since=since.replace(tzinfo=UTC) if since else None,
                athlete_id=str(athlete) if athlete else None,
                progress=report,
            )
        except psycopg.errors.UndefinedTable as exc:
            raise AnalyticsError("analytics tables missing: run `fitconnect db upgrade`") from exc
    typer.echo(
        f"{summary.devices} devices, {summary.samples} samples, {summary.sessions} sessions,"
        f" {summary.athletes} athletes, {summary.rows_written} rows written"
        f" in {summary.elapsed_s:.2f} s"
    )


@app.command("params")
def params_command(
    athlete: Annotated[uuid.UUID, typer.Argument(help="The athlete's id (uuid).")],
    *,
    ftp: Annotated[int | None, typer.Option("--ftp", min=1, help="Threshold power (W).")] = None,
    hr_max: Annotated[
        int | None, typer.Option("--hr-max", min=1, help="Maximum heart rate (bpm).")
    ] = None,
    hr_rest: Annotated[
        int | None, typer.Option("--hr-rest", min=1, help="Resting heart rate (bpm).")
    ] = None,
    lthr: Annotated[float | None, typer.Option("--lthr", min=1, help="Threshold HR.")] = None,
    weight: Annotated[float | None, typer.Option("--weight", min=1, help="kg")] = None,
    sex: Annotated[
        Sex | None, typer.Option("--sex", help="For calories (Keytel) and TRIMP weighting.")
    ] = None,
) -> None:
    """Set one athlete's values the formulas need. FTP, heart-rate range, weight and sex are
    the athlete's profile (as if they changed it in the app: the change has a history and
    the next run recomputes with it); threshold heart rate is analytics' own."""
    change = ProfileChange(
        ftp_w=ftp,
        hr_max_bpm=hr_max,
        hr_rest_bpm=hr_rest,
        weight_kg=weight,
        sex=sex.value if sex else None,
    )
    if change == ProfileChange() and lthr is None:
        raise typer.BadParameter("give at least one value")
    settings = load_settings()
    with start_services(settings) as services, psycopg.connect(services.database_url) as conn:
        set_parameters(conn, str(athlete), change)
        if lthr is not None:
            set_analytics_params(conn, str(athlete), {"lthr_bpm": lthr})
    given = {k: v for k, v in asdict(change).items() if v is not None}
    given |= {"lthr_bpm": lthr} if lthr is not None else {}
    typer.echo(f"{athlete}: {', '.join(f'{k}={v}' for k, v in given.items())}")


@app.command("source")
def source_command(
    athlete: Annotated[uuid.UUID, typer.Argument(help="The athlete's id (uuid).")],
    stream: Annotated[str, typer.Argument(help=f"One of {', '.join(STREAMS)}.")],
    device: Annotated[uuid.UUID, typer.Argument(help="The athlete's device to take it from.")],
) -> None:
    """Take a stream of the athlete's sessions from this device whenever it has it (over the
    device kinds' priorities); the next run recomputes the athlete's sessions."""
    settings = load_settings()
    with start_services(settings) as services, psycopg.connect(services.database_url) as conn:
        set_source_override(conn, str(athlete), stream, str(device))
    typer.echo(f"{athlete}: {stream} from {device}")


def _schedule(every_s: float) -> None:
    """Run a pass every ``every_s`` seconds until SIGINT/SIGTERM (``fitconnect up`` uses it)."""
    settings = load_settings("analytics")
    metrics = AnalyticsMetrics(settings.analytics_metrics_port, settings.metrics_host)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with start_services(settings) as services:
        while not stop.is_set():
            try:
                summary = run_once(services.database_url)
                metrics.observe(summary)
                log.info(
                    "analytics pass: %d sessions, %d rows written in %.2f s",
                    summary.sessions,
                    summary.rows_written,
                    summary.elapsed_s,
                )
            except (psycopg.Error, AnalyticsError):
                metrics.failures.inc()
                log.exception("analytics pass failed; retrying in %.0f s", every_s)
            stop.wait(every_s)

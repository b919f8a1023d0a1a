"""``fitconnect-edge``: the agent beside the athlete's devices (composition root of the edge)."""

from __future__ import annotations

import typer

from fitconnect.edge_agent.commands import bench, decode, replay, run, scan, simulate

app = typer.Typer(
    name="fitconnect-edge",
    help="FitConnect edge agent: read BLE fitness devices, buffer on disk, publish over MQTT.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help pages: Typer's rich pages print a type beside every option (`<bool>` for flags).
    rich_markup_mode=None,
)
app.command("run")(run.run)
app.command("scan")(scan.scan)
app.command("decode")(decode.decode)
app.command("simulate")(simulate.simulate)
app.command("replay")(replay.replay)
app.command("bench")(bench.bench)


def main() -> None:
    app()

"""Subcommands imported when they run, so that ``fitconnect --help`` loads no server stack.

Click's pattern for lazily loaded subcommands: the group knows each subcommand's name, its
one-line help and where it lives ("module:attribute", a Typer app or a command function); the
module is imported only when that subcommand is invoked (its ``--help`` included). Listing the
commands in the group's own ``--help`` uses the one-line help and imports nothing. A subcommand
whose module needs a package of an extra that is not installed exits with a sentence naming
the extra, not a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click  # the Click that Typer (>= 0.29) carries: its groups subclass it
from typer.core import TyperCommand, TyperGroup

from fitconnect.errors import FitConnectError

# Plain help pages: Typer's rich pages print a type beside every option, `<bool>` for flags
# that take no value (and importing rich for a help page costs a tenth of a second).
HELP_STYLE: dict[str, Any] = {
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
    "add_completion": False,
}


class MissingExtraError(FitConnectError):
    """A command needs a package of an extra that is not installed."""


@dataclass(frozen=True)
class Lazy:
    """Where a subcommand lives and what its parent's ``--help`` says of it."""

    target: str
    help: str
    extra: str = "server"


def lazy_group(commands: Mapping[str, Lazy]) -> type[TyperGroup]:
    """A Typer group class serving ``commands`` (pass it as ``typer.Typer(cls=…)``)."""

    class LazyGroup(_LazyGroup):
        lazy: ClassVar[Mapping[str, Lazy]] = commands

    return LazyGroup


class _LazyGroup(TyperGroup):
    lazy: ClassVar[Mapping[str, Lazy]] = {}
    _listing = False

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*super().list_commands(ctx), *self.lazy]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)
        if self._listing:
            return TyperCommand(name=cmd_name, short_help=entry.help, help=entry.help)
        return _load(f"{ctx.command_path} {cmd_name}", entry)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _load(command_path: str, entry: Lazy) -> _click.Command:
    module_name, _, attribute = entry.target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.startswith("fitconnect"):
            raise
        raise MissingExtraError(
            f"`{command_path}` needs the package {exc.name}: "
            f"pip install 'fitconnect[{entry.extra}]'"
        ) from exc
    target = getattr(module, attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer(**HELP_STYLE)
        single.command()(target)
        target = single
    return typer.main.get_command(target)

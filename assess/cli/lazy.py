"""Commands imported when used: `assess score` loads the scoring commands and what they call,
not the web app, the standards tools or the results store. `COMMANDS` names each command's
module (assess/cli/<module>.py registers it on import); a test checks it against the modules."""
from __future__ import annotations

import importlib
from typing import Any

import click

from assess.core.startup import command_start

COMMANDS: dict[str, str] = {
    "score": "scoring", "batch": "scoring", "inspect": "scoring",
    "template": "intake",
    "history": "results", "report": "results", "audit": "results",
    "serve": "serve",
    "standards": "standards", "explain": "standards", "show": "standards", "test": "standards", "lint": "standards",
    "diff": "standards", "schema": "standards", "export": "standards", "import": "standards",
}


def load_all() -> None:
    """Import every command module (for the command list of --help, and "did you mean")."""
    for module in sorted(set(COMMANDS.values())):
        importlib.import_module(f"assess.cli.{module}")


class LazyCommands(dict):
    """The group's commands by name; a command not yet registered is imported on first lookup."""

    def _load(self, name: str) -> None:
        if not dict.__contains__(self, name) and name in COMMANDS:
            with command_start():
                importlib.import_module(f"assess.cli.{COMMANDS[name]}")

    def __missing__(self, name: str) -> click.Command:
        self._load(name)
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        self._load(name)
        return dict.get(self, name, default)


class LazyGroup(click.Group):
    """A click group whose commands live in `COMMANDS`' modules, imported when a command is run,
    or all of them when they are listed or a name is not one of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_all()
        return super().list_commands(ctx)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        if args and args[0] not in COMMANDS:
            load_all()  # an unknown name: click's "did you mean" looks through every command
        return super().resolve_command(ctx, args)

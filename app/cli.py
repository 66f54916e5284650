"""The ``atlas`` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.settings import Settings

cli = typer.Typer(help="Trigger-point atlas: build, validate, serve and export.", no_args_is_help=True)


@cli.callback()
def _group() -> None:
    """Trigger-point atlas."""


@cli.command()
def validate(data: Annotated[Path | None, typer.Option(help="Content folder")] = None) -> None:
    """Check every data file and print all problems as `file: field: problem`."""
    from app.loader.read import read_content

    settings = Settings()
    content = read_content(data or settings.data_dir)
    for problem in content.problems:
        typer.echo(str(problem), err=True)
    if content.problems:
        typer.echo(f"{len(content.problems)} problem(s) found", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {len(content.muscles)} muscles, {len(content.zones)} zones, "
               f"{len(content.conditions)} conditions, {len(content.sources)} sources")


def main() -> None:
    cli(prog_name="atlas")


if __name__ == "__main__":
    sys.exit(main())

"""The ``atlas`` command line."""

from __future__ import annotations

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


@cli.command("build")
def build_cmd(force: Annotated[bool, typer.Option(help="Rebuild even when nothing changed")] = False) -> None:
    """Validate the data and (re)build the SQLite database; the old one stays on failure."""
    from app.loader.build import BuildError, build

    settings = Settings()
    try:
        result = build(settings.data_dir, settings.figure_dir, settings.db_path, force=force)
    except BuildError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"build failed: {len(exc.problems)} problem(s); {settings.db_path} left unchanged", err=True)
        raise typer.Exit(1) from None
    for w in result.warnings:
        typer.echo(f"warning: {w}", err=True)
    typer.echo(f"{'built' if result.built else 'up to date'}: {settings.db_path}")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the atlas (builds the database first when needed)."""
    import uvicorn

    from app.loader.build import BuildError
    from app.main import ensure_database

    try:
        ensure_database(Settings())  # once here, so several workers do not race to build it
    except BuildError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers, reload=reload,
                log_level="warning")


@cli.command()
def schema(out: Annotated[Path, typer.Option(help="Folder for the JSON Schema files")] = Path("atlas_data/schema")) -> None:
    """Write JSON Schemas of the data files so an editor validates while typing."""
    import json

    from pydantic import BaseModel

    from app.schemas import content, figure

    out.mkdir(parents=True, exist_ok=True)
    models: dict[str, type[BaseModel]] = {
        "muscle": content.Muscle, "zones": content.ZonesFile, "conditions": content.ConditionsFile,
        "groups": content.GroupsFile, "pain_guides": content.PainGuidesFile,
        "sources": content.SourcesFile, "figure": figure.FigureView}
    for name, model in models.items():
        (out / f"{name}.schema.json").write_text(json.dumps(model.model_json_schema(), indent=2) + "\n")
        typer.echo(f"wrote {out / (name + '.schema.json')}")


@cli.command()
def render(
    view: Annotated[str, typer.Argument(help="View to draw, e.g. anterior")],
    out: Annotated[Path, typer.Option(help="PNG (or .svg) file to write")] = Path("view.png"),
    what: Annotated[str, typer.Option(help="muscles, zones or both")] = "both",
    crop: Annotated[str | None, typer.Option(help="x,y,w,h of the part to draw")] = None,
    scale: Annotated[float, typer.Option(help="Pixels per unit")] = 2.0,
    grid: Annotated[bool, typer.Option(help="Overlay a 10-unit coordinate grid")] = False,
    only: Annotated[str, typer.Option(help="Comma-separated muscle/zone ids to draw alone")] = "",
) -> None:
    """Draw one view straight from svg/ (no database): for checking the figure while editing it."""
    from app.figure.authoring import draw_view

    settings = Settings()
    try:
        data = draw_view(settings.data_dir, settings.figure_dir, view, what, crop, scale, out.suffix, grid,
                         frozenset(t for t in only.split(",") if t))
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    out.write_bytes(data)
    typer.echo(f"wrote {out}")


@cli.command("figure-base")
def figure_base(
    out: Annotated[Path, typer.Option(help="Folder to write <view>.body.svg into")] = Path("var/figure"),
) -> None:
    """Write the mesh body of every view as SVG, to trace under svg/<view>.svg in Inkscape."""
    from app.figure.authoring import body_svg

    settings = Settings()
    out.mkdir(parents=True, exist_ok=True)
    for header in sorted(settings.figure_dir.glob("*.yaml")):
        try:
            svg = body_svg(settings.figure_dir, header.stem)
        except ValueError as exc:
            typer.echo(str(exc))
            continue
        (out / f"{header.stem}.body.svg").write_text(svg)
        typer.echo(f"wrote {out / header.stem}.body.svg")


@cli.command("export")
def export_cmd(out: Annotated[Path, typer.Argument(help="Folder to write the static copy into")]) -> None:
    """Write a complete static copy (pages, maps, images, JSON) with relative links."""
    import time

    from app.export import export

    settings = Settings()
    start = time.perf_counter()
    with typer.progressbar(length=1, label="Exporting") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        n = export(out, settings, progress)
    typer.echo(f"wrote {n} files to {out} in {time.perf_counter() - start:.1f} s")


def main() -> None:
    cli(prog_name="atlas")


if __name__ == "__main__":
    main()

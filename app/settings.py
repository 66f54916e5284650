"""All settings in one place, overridable with ATLAS_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ATLAS_")

    data_dir: Path = Field(ROOT / "atlas_data", description="Curated YAML content")
    figure_dir: Path = Field(ROOT / "svg", description="The figure as data: landmarks, outlines, shapes")
    db_path: Path = Field(ROOT / "var" / "atlas.sqlite", description="Where the built database lives")
    templates_dir: Path = Field(ROOT / "templates", description="Jinja2 templates")
    static_dir: Path = Field(ROOT / "static", description="Our own CSS and scripts")
    htmx_path: Path = Field(
        ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
        description="Local htmx copy installed from npm (served at /vendor/htmx.min.js)",
    )
    htmx_cdn: bool = Field(False, description="Load htmx from unpkg (pinned, with SRI) instead of the local copy: "
                                              "off by default, so an offline or intranet install never waits on DNS")
    base_url: str = Field("http://127.0.0.1:8000", description="Public URL, used in embeds and citations")
    cache: bool = Field(True, description="Keep rendered GET responses in memory")
    render_workers: int = Field(2, ge=0, le=32, description="Worker processes that render PNGs and handouts "
                                                          "(0: in the server process)")
    render_queue: int = Field(6, ge=0, le=1000, description="Renders that may wait for a worker; beyond that "
                                                           "an image request gets 503 with Retry-After")

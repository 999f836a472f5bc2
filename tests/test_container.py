"""The container files, read as a reviewer would (no Docker engine runs the suite)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def test_the_image_installs_the_built_wheels_offline_and_keeps_sqlite_in_a_volume() -> None:
    assert re.search(r"pip install [^\n]*--no-index --find-links /wheels backstock", DOCKERFILE)
    assert "VOLUME /home/backstock/data" in DOCKERFILE
    assert "sqlite:///home/backstock/data/" in DOCKERFILE
    assert "migrate" not in DOCKERFILE.split("CMD [", 1)[1], "migrations run once, not in every replica"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "*.sqlite3", "tests"} <= set(ignored)


def test_every_image_is_pinned_to_a_version() -> None:
    froms = re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE)
    assert froms
    assert all(re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", image) for image in froms), froms
    assert re.fullmatch(r"postgres:15\.\d+", SERVICES["postgres"]["image"])
    assert re.fullmatch(r"axllent/mailpit:v\d+\.\d+\.\d+", SERVICES["mail"]["image"])


def test_migrations_run_once_before_the_api() -> None:
    assert SERVICES["migrate"]["command"] == ["backstock", "migrate"]
    assert SERVICES["api"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "command" not in SERVICES["api"]


def test_the_api_restarts_and_exposes_no_graphiql_nor_introspection() -> None:
    api = SERVICES["api"]
    assert api["restart"] == "unless-stopped"
    assert all(SERVICES[name]["restart"] == "unless-stopped" for name in ("postgres", "mail"))
    assert api["environment"]["BACKSTOCK_GRAPHIQL"] == "false"
    assert api["environment"]["BACKSTOCK_INTROSPECTION"] == "false"
    assert api["environment"]["BACKSTOCK_DATABASE_URL"] == SERVICES["migrate"]["environment"]["BACKSTOCK_DATABASE_URL"]

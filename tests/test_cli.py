"""The CLI as an operator meets it: real `python -m backstock.cli` processes, each bounded by a timeout."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from starlette.requests import Request

from backstock import cli
from backstock.db import package_migrations
from backstock.settings import DEV_ADMIN_TOKEN, Settings, describe_error
from backstock.web.bearer import identify


def run_cli(
    *args: str, settings: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Runs the CLI with only the given BACKSTOCK_* settings (none inherited from this shell)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKSTOCK_")}
    env |= {f"BACKSTOCK_{name.upper()}": value for name, value in (settings or {}).items()}
    return subprocess.run(
        [sys.executable, "-m", "backstock.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def assert_refused(result: subprocess.CompletedProcess[str], start: str) -> None:
    """Exit status 2 and exactly one line on stderr, never a traceback."""
    assert result.returncode == 2, result
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(start), result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("smtp_port", "abc", "valid integer"),
        ("smtp_port", "99999", "less than or equal to 65535"),
        ("smtp_tls", "ssl", "'none', 'starttls' or 'tls'"),
        ("retry_max_delay", "-5", "greater than 0"),
        ("dispatch_interval", "0", "greater than or equal to 0.01"),
        ("admin_token", "tiny-key", "shorter than 16 characters"),
    ],
)
def test_a_bad_setting_stops_the_command_with_one_line(tmp_path: Path, name: str, value: str, reason: str) -> None:
    database = tmp_path / "never.sqlite3"
    result = run_cli("migrate", settings={"database_url": f"sqlite://{database}", name: value})
    assert_refused(result, f"backstock: BACKSTOCK_{name.upper()}: ")
    assert reason in result.stderr
    if name == "admin_token":
        assert value not in result.stderr, "a secret must not reach the terminal or a log"
    assert not database.exists()


@pytest.mark.parametrize(
    ("settings", "variable", "reason"),
    [
        ({"timezone": "Mars/Olympus"}, "TIMEZONE", "not an IANA time zone"),
        ({"timezone": "../../etc/passwd"}, "TIMEZONE", "not an IANA time zone"),
        ({"log_format": "xml"}, "LOG_FORMAT", "'text' or 'json'"),
        ({"max_body_bytes": 0}, "MAX_BODY_BYTES", "greater than or equal to 1"),
        ({"request_timeout": 0}, "REQUEST_TIMEOUT", "greater than 0"),
        ({"smtp_timeout": -1}, "SMTP_TIMEOUT", "greater than 0"),
        ({"smtp_port": 0}, "SMTP_PORT", "greater than or equal to 1"),
        ({"dispatch_batch_size": 0}, "DISPATCH_BATCH_SIZE", "greater than or equal to 1"),
        ({"retry_base_delay": 5, "retry_max_delay": 1}, "RETRY_MAX_DELAY", "below BACKSTOCK_RETRY_BASE_DELAY"),
        ({"cors_origins": "shop.example.com"}, "CORS_ORIGINS", "not an origin"),
        ({"cors_origins": "https://shop.example.com/"}, "CORS_ORIGINS", "not an origin"),
        ({"cors_origins": "https://a.example.com,ftp://b.example.com"}, "CORS_ORIGINS", "'ftp://b.example.com'"),
        ({"database_url": "mysql://u:p@db/shop"}, "DATABASE_URL", "sqlite://PATH or postgres://"),
        ({"admin_token": "  spaced-admin-token-value  "}, "ADMIN_TOKEN", "leading or trailing spaces"),
    ],
)
def test_every_setting_is_checked_and_named(settings: dict[str, object], variable: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(**settings)  # type: ignore[arg-type]
    line = describe_error(refused.value)
    assert line.startswith(f"BACKSTOCK_{variable}: "), line
    assert reason in line


def test_good_settings_pass() -> None:
    settings = Settings(
        timezone="Europe/Berlin",
        cors_origins="https://shop.example.com, http://localhost:3000",
        database_url="postgres://u:p@db:5432/shop",
        admin_token=SecretStr(DEV_ADMIN_TOKEN),
    )
    assert settings.admin_token is not None


@pytest.mark.parametrize("blank", ["", "   "])
async def test_a_blank_admin_token_means_no_admin(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    monkeypatch.setenv("BACKSTOCK_ADMIN_TOKEN", blank)
    settings = Settings()
    assert settings.admin_token is None
    for header in ("Bearer ", "Bearer  ", f"Bearer {blank}"):
        request = Request({"type": "http", "headers": [(b"authorization", header.encode())]})
        assert (await identify(request, settings)).is_admin is False


def test_make_run_uses_the_documented_dev_token() -> None:
    root = Path(__file__).parent.parent
    assert f"DEV_TOKEN ?= {DEV_ADMIN_TOKEN}" in (root / "Makefile").read_text()
    assert f"Authorization: Bearer {DEV_ADMIN_TOKEN}" in (root / "README.md").read_text()


@pytest.mark.slow
def test_migrate_says_what_it_did(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'new.sqlite3'}"
    first = run_cli("migrate", settings={"database_url": url})
    assert first.returncode == 0, first.stderr
    shipped = package_migrations()
    assert f"applied {len(shipped)} migration" in first.stdout
    assert all(name in first.stdout for name in shipped)
    again = run_cli("migrate", settings={"database_url": url})
    assert again.returncode == 0, again.stderr
    assert "already up to date" in again.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("command", "path"), [("migrate", "no-such-dir/x.sqlite3"), ("serve", ".")])
def test_an_unopenable_sqlite_path_fails_fast(tmp_path: Path, command: str, path: str) -> None:
    result = run_cli(command, settings={"database_url": f"sqlite://{tmp_path / path}"}, timeout=20)
    assert_refused(result, "backstock: database sqlite://")
    assert "cannot open" in result.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("backstock 0.")


def test_every_option_of_every_command_has_help() -> None:
    top = cli.parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    undocumented = [
        f"{name} {action.dest}"
        for name, command in [("backstock", top), *commands.choices.items()]
        for action in command._actions
        if not action.help
    ]
    assert not undocumented
    assert all(choice.help for choice in commands._choices_actions)


@pytest.mark.slow
def test_make_reset_removes_the_demo_database(tmp_path: Path) -> None:
    makefile = Path(__file__).parent.parent / "Makefile"
    for name in ("backstock.sqlite3", "backstock.sqlite3-wal", "backstock.sqlite3-shm"):
        (tmp_path / name).write_text("demo")
    result = subprocess.run(
        ["make", "-f", str(makefile), "reset"], cwd=tmp_path, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []

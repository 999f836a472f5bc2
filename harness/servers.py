"""Real `backstock serve` processes for smoke and multi-worker tests and the benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from harness.graphql import ADMIN_TOKEN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def backstock(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backstock.cli", *args], env=env, capture_output=True, text=True, check=True, timeout=60
    )


def server_env(database_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "BACKSTOCK_DATABASE_URL": database_url,
        "BACKSTOCK_ADMIN_TOKEN": ADMIN_TOKEN,
        "BACKSTOCK_SMTP_PORT": str(smtp_port),
        "BACKSTOCK_DISPATCH_INTERVAL": "0.1",
        **extra,
    }


@contextlib.contextmanager
def running_server(
    env: dict[str, str], workers: int = 1, log: Path | None = None, access_log: bool = False
) -> Iterator[str]:
    """Starts `backstock serve` and yields its base URL once /readyz answers; stops it after."""
    port = free_port()
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backstock.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *([] if access_log else ["--no-access-log"]),
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        if log:
            out.close()  # type: ignore[union-attr]


READY_SECONDS = 90  # two workers importing the app on a loaded 2-core CI machine


def wait_ready(
    base: str, process: subprocess.Popen[bytes], path: str = "/readyz", seconds: float = READY_SECONDS
) -> None:
    """Polls `base` + `path` until it answers 200; fails at once if the process exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server for {base} exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}{path}", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"{base}{path} did not answer in {seconds} s")

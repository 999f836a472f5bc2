"""CPU per order under the checkout storm: the server's, the load generator's and the whole machine's.

    .venv/bin/python -m bench.storm_cpu [graphql|floor ...] [--postgres postgres://...] [--seconds 8] [--rounds 1]

`bench.run`'s storm (64 shoppers, one hot SKU) against a server started as `bench.run` starts it,
GraphQL or the checkout floor, alternated `--rounds` times on a freshly loaded 1,000-product database.
After a 2 s warm-up it reads, over the timed run, the CPU time of the server's process tree
(`/proc/PID/stat` utime + stime of the server and its workers), of this process (the load generator)
and of the machine (`/proc/stat`), and divides each by the orders placed. The rate moves with whatever
else the two cores run; the CPU per order tells the server's cost from the load generator's, and the
machine's busy share tells whether the cores were the limit. On PostgreSQL the database's own
processes are not counted (other clients share the server).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.run import buy, buy_at_floor, floor_server, prepare, storm
from bench.setups import Setup, env_for
from harness.servers import running_server

TICKS = os.sysconf("SC_CLK_TCK")
WARM_UP = 2.0


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                found.setdefault(parent, []).append(int(entry.name))
    return found


def tree_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) of `pid` and its live descendants."""
    children, total, todo = _children(), 0.0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
        todo += children.get(current, [])
    return total


def machine_cpu() -> tuple[float, float]:
    """(busy, all) seconds of every core since boot."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / TICKS, sum(ticks) / TICKS


@dataclass(frozen=True)
class Reading:
    server: str
    orders: int
    seconds: float
    server_cpu: float
    load_cpu: float
    busy: float
    cores: float

    def line(self) -> str:
        per = 1000 / self.orders if self.orders else float("nan")
        return (
            f"{self.server:8} {self.orders / self.seconds:7.1f} orders/s  server {self.server_cpu * per:5.2f} ms CPU/order "
            f"({self.server_cpu / self.seconds:4.0%} of a core)  load generator {self.load_cpu * per:5.2f} ms/order  "
            f"machine busy {self.busy / self.cores:4.0%} of {os.cpu_count()} cores ({self.busy * per:5.2f} ms/order)"
        )


@contextlib.contextmanager
def _server(kind: str, setup: Setup, log: Path) -> Iterator[tuple[str, int]]:
    if kind == "floor":
        with floor_server(setup.url, setup.workers, log) as base:
            yield base, _listening_pid(base)
    else:
        with running_server(env_for(setup.url), workers=setup.workers, log=log) as base:
            yield base, _listening_pid(base)


def _listening_pid(base: str) -> int:
    """The server process (this process's child that serves `base`), found by its command line's port."""
    port = base.rsplit(":", 1)[1]
    for pid in _children().get(os.getpid(), []):
        with contextlib.suppress(OSError):
            if port in Path(f"/proc/{pid}/cmdline").read_text().split("\0"):
                return pid
    raise RuntimeError(f"no child process serves {base}")


async def measure(kind: str, setup: Setup, seconds: float, log: Path) -> Reading:
    await prepare(setup)
    shopper = buy_at_floor if kind == "floor" else buy
    with _server(kind, setup, log) as (base, pid):
        await storm(base, shopper, WARM_UP)
        server, load, (busy, cores) = tree_cpu(pid), time.process_time(), machine_cpu()
        result = await storm(base, shopper, seconds)
        busy_after, cores_after = machine_cpu()
        return Reading(
            kind,
            result.successes,
            result.seconds,
            tree_cpu(pid) - server,
            time.process_time() - load,
            busy_after - busy,
            cores_after - cores,
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("servers", nargs="*", help="graphql and/or floor (default: both, in turn)")
    parser.add_argument("--postgres", help="postgres:// URL of a database the run may wipe (2 workers)")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--hot-stock", type=int, default=5000)
    args = parser.parse_args()
    if not set(args.servers) <= {"graphql", "floor"}:
        parser.error("servers: graphql or floor")
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            setup = Setup("PostgreSQL", args.postgres, 2, 1_000, 0, args.hot_stock)
        else:
            setup = Setup("SQLite", f"sqlite://{tmp}/storm.sqlite3", 1, 1_000, 0, args.hot_stock)
        print(f"{setup.label}; load average {os.getloadavg()[0]:.2f}", flush=True)
        for _ in range(args.rounds):
            for kind in args.servers or ["graphql", "floor"]:
                reading = await measure(kind, setup, args.seconds, Path(tmp) / f"{kind}.log")
                print(reading.line(), flush=True)
        print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())

"""A closed-loop HTTP load generator: N concurrent clients, each sending as fast as answers come."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

Request = Callable[[httpx.AsyncClient, int], Awaitable[bool]]


@dataclass
class Result:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    successes: int = 0

    @property
    def per_second(self) -> float:
        return self.successes / self.seconds if self.seconds else 0.0

    def percentile(self, q: int) -> float:
        """Latency in milliseconds at the q-th percentile."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100)[q - 1] * 1000


async def hammer(base: str, request: Request, concurrency: int, seconds: float) -> Result:
    """Runs `request` from `concurrency` clients until `seconds` pass or every client says stop (False)."""
    result = Result()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker(index: int) -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                ok = await request(client, index)
                result.latencies.append(time.perf_counter() - started)
                if not ok:
                    return
                result.successes += 1

        started = time.perf_counter()
        async with asyncio.TaskGroup() as clients:  # one client failing stops the others
            for i in range(concurrency):
                clients.create_task(worker(i))
        result.seconds = time.perf_counter() - started
    return result

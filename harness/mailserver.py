"""A real SMTP server in-process (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from harness.servers import free_port


class _Keep:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.server.refused:
            return "550 5.1.1 no such mailbox"
        if address in self.server.deferred:
            return "451 4.2.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.server.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.server.messages.append(message)
        self.server.raw.append(envelope.content)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class MailServer:
    """aiosmtpd cannot bind port 0, so a free port is chosen once and kept across restarts."""

    def __init__(self, delay: float = 0.0, smtputf8: bool = True) -> None:
        """`delay` makes every message take that long to accept: a slow relay. `smtputf8=False` is a
        relay that cannot carry international addresses."""
        self.delay = delay
        self.smtputf8 = smtputf8
        self.refused: set[str] = set()
        self.deferred: set[str] = set()
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # each message as it arrived, for what parsing hides (header encoding)
        self.envelopes: list[tuple[str, list[str]]] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        self.messages.clear()
        self.envelopes.clear()
        self.raw.clear()

    async def wait_for(self, count: int, seconds: float = 5.0) -> list[EmailMessage]:
        deadline = asyncio.get_running_loop().time() + seconds
        while len(self.messages) < count:
            assert asyncio.get_running_loop().time() < deadline, (
                f"expected {count} emails within {seconds} s, got {len(self.messages)}"
            )
            await asyncio.sleep(0.02)
        return list(self.messages)

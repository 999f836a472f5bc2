"""A graphql-transport-ws client on the `websockets` package, for tests and the bench, with bounded waits."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

STOCK_CHANGED = """
subscription($skus: [String!], $channel: String) {
  stockChanged(skus: $skus, channel: $channel) { kind sku channel stockStatus isSalable salableQuantity at }
}"""


class Subscriber:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def message(self, seconds: float) -> dict[str, Any]:
        """The next message that is not a ping (answered) nor a pong; TimeoutError after `seconds`."""
        async with asyncio.timeout(seconds):
            while True:
                message: dict[str, Any] = json.loads(await self.socket.recv())
                if message["type"] == "ping":
                    await self.socket.send(json.dumps({"type": "pong"}))
                elif message["type"] != "pong":
                    return message

    async def event(self, seconds: float = 5.0) -> dict[str, Any]:
        """The next stock event; an error or the end of the subscription fails the test."""
        message = await self.message(seconds)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        event: dict[str, Any] = message["payload"]["data"]["stockChanged"]
        return event

    async def events(self, count: int, seconds: float = 5.0) -> list[dict[str, Any]]:
        return [await self.event(seconds) for _ in range(count)]

    async def quiet(self, seconds: float) -> bool:
        """Whether nothing arrives within `seconds`."""
        try:
            await self.message(seconds)
        except TimeoutError:
            return True
        return False


@contextlib.asynccontextmanager
async def subscribed(
    base: str, query: str = STOCK_CHANGED, variables: dict[str, Any] | None = None, **headers: str
) -> AsyncIterator[Subscriber]:
    """Connects to `base`'s /graphql over graphql-transport-ws and starts one subscription."""
    url = "ws" + base.removeprefix("http") + "/graphql"
    protocol = Subprotocol("graphql-transport-ws")
    async with connect(
        url, subprotocols=[protocol], additional_headers=headers, open_timeout=10, close_timeout=2
    ) as socket:
        subscriber = Subscriber(socket)
        await socket.send(json.dumps({"type": "connection_init"}))
        assert (await subscriber.message(5))["type"] == "connection_ack"
        payload = {"query": query, "variables": variables or {}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        yield subscriber

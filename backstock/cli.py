"""`backstock serve | migrate | demo-data | export-schema | dispatch`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

import uvicorn
from tortoise import Tortoise

from backstock import db
from backstock.settings import Settings, get_settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.workers > 1 and settings.is_sqlite:
        print(
            "backstock serve: --workers > 1 needs PostgreSQL. SQLite allows one writing process; "
            "set BACKSTOCK_DATABASE_URL=postgres://... or run one worker.",
            file=sys.stderr,
        )
        return 2
    uvicorn.run(
        "backstock.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=args.access_log,
    )
    return 0


async def _with_orm(settings: Settings, work: Callable[[], Awaitable[object]]) -> None:
    await Tortoise.init(config=db.tortoise_config(settings.database_url))
    try:
        await work()
    finally:
        await Tortoise.close_connections()


def _migrate(_: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(db.migrate(settings.database_url))
    print(f"backstock migrate: {settings.database_url.split('@')[-1]} is up to date")
    return 0


def _demo_data(_: argparse.Namespace, settings: Settings) -> int:
    from backstock.demo import load_demo_data

    async def load() -> None:
        print(f"backstock demo-data: {await load_demo_data()} products created")

    asyncio.run(_with_orm(settings, load))
    return 0


def _export_schema(_: argparse.Namespace, settings: Settings) -> int:
    from backstock.schema import build_schema

    print(build_schema(settings).as_str())
    return 0


def _dispatch(_: argparse.Namespace, settings: Settings) -> int:
    """A separate email and webhook worker; on SQLite the server's own dispatchers are the only writers allowed."""
    from backstock.events.webhooks import WebhookDispatcher
    from backstock.notifications.dispatcher import Dispatcher

    if settings.is_sqlite:
        print(
            "backstock dispatch: a separate dispatcher needs PostgreSQL; "
            "on SQLite the server process sends email itself.",
            file=sys.stderr,
        )
        return 2

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await asyncio.gather(Dispatcher(settings).run(stop), WebhookDispatcher(settings).run(stop))

    asyncio.run(_with_orm(settings, run))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="backstock", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--no-access-log", dest="access_log", action="store_false")
    serve.set_defaults(run=_serve)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=_migrate)
    commands.add_parser("demo-data", help="load a small demo catalog").set_defaults(run=_demo_data)
    commands.add_parser("export-schema", help="print the GraphQL schema (SDL)").set_defaults(run=_export_schema)
    commands.add_parser("dispatch", help="send queued email and webhooks (separate worker)").set_defaults(run=_dispatch)
    return top


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    status: int = args.run(args, get_settings())
    return status


if __name__ == "__main__":
    sys.exit(main())

"""`backstock serve | migrate | demo-data | export-schema | dispatch | import-stock | export-stock |
supplier-batches | export-report`.

Every setting is validated before a command runs; a bad one, or a database the command
cannot use, stops it with one line `backstock: ...` on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

import uvicorn
from pydantic import ValidationError
from tortoise import Tortoise

from backstock import db
from backstock.settings import Settings, describe_error, get_settings
from backstock.web.logs import configure_logging, logging_config
from backstock.web.metrics import shared_by_workers

USAGE_ERROR = 2


@contextlib.contextmanager
def _reachable(settings: Settings) -> Iterator[None]:
    """A server that refuses or a host that does not resolve is one line, not a traceback."""
    try:
        yield
    except OSError as exc:  # tortoise's DBConnectionError is a ConnectionError too
        raise db.DatabaseUnusable(f"database {db.display_url(settings.database_url)}: cannot connect ({exc})") from None


async def _with_orm(settings: Settings, work: Callable[[], Awaitable[object]]) -> None:
    """Runs `work` on a migrated database: an unmigrated one fails every query, so it is refused here."""
    db.check_sqlite_file(settings.database_url)
    await Tortoise.init(config=db.tortoise_config(settings.database_url))
    try:
        pending = await db.pending_migrations()
        if pending:
            raise db.DatabaseUnusable(
                f"database {db.display_url(settings.database_url)} is not migrated "
                f"({len(pending)} pending: {', '.join(pending)}); run backstock migrate"
            )
        await work()
    finally:
        await Tortoise.close_connections()


def _run_with_orm(settings: Settings, work: Callable[[], Awaitable[object]]) -> None:
    from backstock.resolvers import clock

    clock.use(settings)
    with _reachable(settings):
        asyncio.run(_with_orm(settings, work))


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.workers > 1 and settings.is_sqlite:
        print(
            "backstock serve: --workers > 1 needs PostgreSQL. SQLite allows one writing process; "
            "set BACKSTOCK_DATABASE_URL=postgres://... or run one worker.",
            file=sys.stderr,
        )
        return USAGE_ERROR
    _run_with_orm(settings, lambda: asyncio.sleep(0))
    with shared_by_workers(args.workers):
        uvicorn.run(
            "backstock.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            access_log=args.access_log,
            log_config=logging_config(settings.log_format),
        )
    return 0


def _migrate(_: argparse.Namespace, settings: Settings) -> int:
    where = db.display_url(settings.database_url)
    with _reachable(settings):
        applied = asyncio.run(db.migrate(settings.database_url))
    if applied:
        noun = "migration" if len(applied) == 1 else "migrations"
        print(f"backstock migrate: applied {len(applied)} {noun} to {where}: {', '.join(applied)}")
    else:
        print(f"backstock migrate: {where} was already up to date")
    return 0


def _demo_data(_: argparse.Namespace, settings: Settings) -> int:
    from backstock.demo import load_demo_data

    async def load() -> None:
        print(f"backstock demo-data: {await load_demo_data(settings.timezone)} products created")

    _run_with_orm(settings, load)
    return 0


def _export_schema(_: argparse.Namespace, settings: Settings) -> int:
    from backstock.schema import build_schema

    print(build_schema(settings).as_str())
    return 0


def _dispatch(_: argparse.Namespace, settings: Settings) -> int:
    """A separate email and webhook worker; on SQLite the server's own dispatchers are the only writers allowed."""
    from backstock.events.webhooks import WebhookDispatcher
    from backstock.notifications.dispatcher import Dispatcher
    from backstock.resolvers.releases import Releases

    if settings.is_sqlite:
        print(
            "backstock dispatch: a separate dispatcher needs PostgreSQL; "
            "on SQLite the server process sends email itself.",
            file=sys.stderr,
        )
        return USAGE_ERROR

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await asyncio.gather(
            Dispatcher(settings).run(stop), WebhookDispatcher(settings).run(stop), Releases().run(stop)
        )

    _run_with_orm(settings, run)
    return 0


def _import_stock(args: argparse.Namespace, settings: Settings) -> int:
    from backstock import csvio

    summary = csvio.Summary()
    try:
        stock_file = csvio.StockFile(args.file)
        try:
            _run_with_orm(settings, lambda: csvio.import_stock(stock_file, summary, settings.timezone))
        finally:
            stock_file.close()
    except csvio.BadFile as exc:
        return _refuse(f"import-stock: {exc}")
    return 1 if summary.failed else 0


def _export_stock(args: argparse.Namespace, settings: Settings) -> int:
    from backstock import csvio

    if args.file is None:
        _run_with_orm(settings, lambda: csvio.export_stock(None))
        return 0
    try:
        with args.file.open("w", newline="", encoding="utf-8") as out:
            _run_with_orm(settings, lambda: csvio.export_stock(out))
    except OSError as exc:
        return _refuse(f"export-stock: {args.file}: cannot write ({exc.strerror})")
    return 0


def _supplier_batches(_: argparse.Namespace, settings: Settings) -> int:
    from backstock.resolvers import batches, projection

    async def draft() -> None:
        for po in await batches.draft_supplier_batches(None, projection.today(settings.timezone)):
            supplier = po.supplier.code if po.supplier else "-"
            print(f"{po.number}\t{supplier}\t{len(po.lines)} lines\texpected {po.expected_date.isoformat()}")

    _run_with_orm(settings, draft)
    return 0


def _export_report(args: argparse.Namespace, settings: Settings) -> int:
    from backstock.resolvers import config, projection
    from backstock.resolvers.errors import BadUserInput
    from backstock.resolvers.reports.base import check_days
    from backstock.resolvers.reports.export import csv_chunks

    try:
        check_days(args.days)
    except BadUserInput as exc:
        return _refuse(f"export-report: --{exc.message}")

    async def export(out: TextIO) -> None:
        store = (await config.load_store_config()).stock_settings()
        async for chunk in csv_chunks(args.report, args.days, store, projection.today(settings.timezone)):
            out.write(chunk)

    if args.output is None:
        _run_with_orm(settings, lambda: export(sys.stdout))
        return 0
    try:
        with args.output.open("w", newline="", encoding="utf-8") as out:
            _run_with_orm(settings, lambda: export(out))
    except OSError as exc:
        return _refuse(f"export-report: {args.output}: cannot write ({exc.strerror})")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="backstock",
        description="Async GraphQL inventory API. Settings come from BACKSTOCK_* environment variables (see README).",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {version('backstock')}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND", help="what to do")
    serve = commands.add_parser("serve", help="run the API server (uvicorn) on a migrated database")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes; more than 1 needs PostgreSQL (default: %(default)s)"
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level (default: %(default)s)",
    )
    serve.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help="do not log one line per request"
    )
    serve.set_defaults(run=_serve)
    commands.add_parser(
        "migrate", help="apply pending database migrations (run once before starting servers)"
    ).set_defaults(run=_migrate)
    commands.add_parser("demo-data", help="load a small demo catalog (existing SKUs are kept)").set_defaults(
        run=_demo_data
    )
    commands.add_parser("export-schema", help="print the GraphQL schema (SDL)").set_defaults(run=_export_schema)
    commands.add_parser(
        "dispatch", help="send queued email and webhooks (a separate worker, PostgreSQL only)"
    ).set_defaults(run=_dispatch)
    import_stock = commands.add_parser(
        "import-stock", help="apply stock counts (quantity) or adjustments (delta) from a CSV file, in batches"
    )
    import_stock.add_argument("file", type=Path, metavar="FILE.csv", help="header sku,quantity or sku,delta [,source]")
    import_stock.set_defaults(run=_import_stock)
    export_stock = commands.add_parser("export-stock", help="write sku,quantity,source for every source item as CSV")
    export_stock.add_argument("file", type=Path, nargs="?", metavar="FILE", help="where to write (default: stdout)")
    export_stock.set_defaults(run=_export_stock)
    commands.add_parser(
        "supplier-batches", help="draft one purchase order per supplier from backorders and reorder suggestions (cron)"
    ).set_defaults(run=_supplier_batches)
    export_report = commands.add_parser("export-report", help="write every row of a report as CSV (default stock)")
    export_report.add_argument("report", choices=["backorders", "low-stock", "demand"], help="which report")
    export_report.add_argument("--days", type=int, default=30, help="demand's window, 1 to 365 (default: %(default)s)")
    export_report.add_argument("--output", type=Path, metavar="FILE", help="where to write (default: stdout)")
    export_report.set_defaults(run=_export_report)
    return top


def _refuse(reason: str) -> int:
    print(f"backstock: {reason}", file=sys.stderr)
    return USAGE_ERROR


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:
        return _refuse(describe_error(exc))
    configure_logging(settings.log_format)
    # tortoise logs its start and shutdown at INFO on every command: noise around a refusal's one line.
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    try:
        status: int = args.run(args, settings)
    except db.DatabaseUnusable as exc:
        return _refuse(str(exc))
    return status


if __name__ == "__main__":
    sys.exit(main())

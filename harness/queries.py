"""Counts the SQL statements tortoise sends, from its own debug log of every query."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """Yields the list of statements sent inside the block (BEGIN/COMMIT are not logged)."""
    logger = logging.getLogger("tortoise.db_client")
    recorder, level = _Recorder(), logger.level
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    try:
        yield recorder.statements
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(level)

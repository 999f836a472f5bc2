"""One logging configuration for every command, handed to uvicorn as `log_config`.

uvicorn applies `log_config` again in each worker it spawns, so a configuration made only in
the parent CLI would be lost there; the same dict serves both. Every line carries the request
id (`-` outside a request), and no request input can start a line of its own: JSON escapes it,
the text format escapes control characters.
"""

from __future__ import annotations

import logging
import logging.config
import re
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

from backstock.settings import LogFormat

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(correlation_id)s %(message)s"


def escape(text: str) -> str:
    r"""`a\nb` becomes `a\\nb`: Python's own escape for each control character, the rest kept as is."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class EscapingFormatter(logging.Formatter):
    """Text lines in which request input cannot forge a line.

    The message is escaped whole. A traceback keeps its lines for reading, each indented, so
    every line that starts at column 0 is the start of a record.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        return escape(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _indented(super().formatStack(stack_info))


def _indented(text: str) -> str:
    return "\n".join("    " + escape(line) for line in text.splitlines())


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` dict. uvicorn, given it, skips its own configuration: its
    loggers propagate to the one root handler, so they get the request id and escaping too."""
    formatters: dict[str, dict[str, Any]] = {
        LogFormat.TEXT: {"()": EscapingFormatter, "fmt": TEXT_FORMAT},
        LogFormat.JSON: {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
            # uvicorn adds `color_message`, the same text with terminal colour codes.
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "asgi_correlation_id.CorrelationIdFilter", "default_value": "-"}},
        "formatters": {"default": formatters[log_format]},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": level},
    }


def configure_logging(log_format: LogFormat) -> None:
    logging.config.dictConfig(logging_config(log_format))

"""The store's "today" (DESIGN.md 7): one place every use case and the release task read it from.

The app (and each CLI command) hands its settings over once; the date is read from them on each
call, so a change of `timezone` on those settings (tests move "today" that way) shows everywhere.
"""

from __future__ import annotations

from datetime import date

from backstock.resolvers.projection import today as today_in
from backstock.settings import Settings

_settings: list[Settings] = []


def use(settings: Settings) -> None:
    _settings[:] = [settings]


def today() -> date:
    """The calendar date in `BACKSTOCK_TIMEZONE` (UTC before any settings were handed over)."""
    return today_in(_settings[0].timezone if _settings else "UTC")

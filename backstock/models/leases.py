"""Named leases: which worker leads a periodic task across processes (DESIGN.md 7.2's release task)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Lease(Model):
    """One row per task; the holder keeps leading while it renews before `expires_at`.

    A row, not a PostgreSQL advisory lock: the same conditional update decides on SQLite and
    PostgreSQL, and a leader that hangs loses the lease when it stops renewing.
    """

    name = fields.CharField(max_length=64, primary_key=True)
    holder = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "lease"

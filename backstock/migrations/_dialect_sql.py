"""A migration step whose statements differ by database (the leading `_` keeps tortoise's loader from
taking this module for a migration)."""

from tortoise.migrations import operations as ops


class DialectSQL(ops.RunSQL):
    """Runs `sqlite` or `postgres`, whichever is the database's dialect.

    Each statement goes alone to the client: the SQLite editor splits its SQL at every `;`, which
    cuts a trigger's body in two."""

    def __init__(self, sqlite: list[str], postgres: list[str]) -> None:
        super().__init__(sqlite)
        self.sqlite = sqlite
        self.postgres = postgres

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor:
            postgres = state_editor.client.capabilities.dialect == "postgres"
            for statement in self.postgres if postgres else self.sqlite:
                await state_editor.client.execute_query(statement)

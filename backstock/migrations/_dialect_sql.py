"""A migration step whose statements differ by database, and the PostgreSQL statement trigger the kept
tables of 0016-0018 are built from (the leading `_` keeps tortoise's loader from taking this module for
a migration)."""

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


def postgres_trigger(name: str, event: str, table: str, tables: str, body: str) -> list[str]:
    """A plpgsql function running `body` once per statement, and its AFTER `event` trigger on `table`
    (`tables`: the REFERENCING clause naming the transition tables `body` reads, or empty)."""
    return [
        f'CREATE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$',
        f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" {tables} FOR EACH STATEMENT EXECUTE FUNCTION "{name}"()',
    ]

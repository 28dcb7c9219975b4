"""Alembic environment of the server database (SQLite or PostgreSQL).

Run programmatically by `counter_app.server.db.migrate`, which passes an open connection in
`config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context

from counter_app.server.models import metadata

config = context.config
target_metadata = metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


run_migrations_online()

"""Local store: SQLModel tables in one SQLite file, migrations, event log and outbox.

No engine is created at import time; open one with `counter_app.store.db.Store.open(path)`.
"""

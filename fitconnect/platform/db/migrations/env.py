"""Alembic environment: online migrations only, over the URL the runner passes in."""

import sqlalchemy
from alembic import context

url = context.config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("the migration runner sets sqlalchemy.url")

engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()

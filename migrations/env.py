"""Alembic environment for Flask-Migrate: the app's engine and metadata, no deprecated calls."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the loggers the app already made (its request log, the jobs): only add alembic's own.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    """The Flask-SQLAlchemy 3 engine (its get_engine() is deprecated)."""
    return target_db.engine


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)


def get_metadata():
    """Metadata of every model (webapp.models imports them all)."""
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def render_item(type_, obj, autogen_context):
    """Import webapp.core.db in migrations that use its column types (UTCDateTime, Money)."""
    if type_ == "type" and type(obj).__module__ == "webapp.core.db":
        autogen_context.imports.add("import webapp.core.db")
    return False  # default rendering


def configure_args(dialect_name):
    """Options for context.configure: type changes detected, batch mode on SQLite."""
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("render_item", render_item)
    # SQLite can't ALTER most things: batch mode copies the table instead.
    conf_args.setdefault("render_as_batch", dialect_name == "sqlite")
    return conf_args


def run_migrations_offline():
    """Emit SQL to stdout instead of running it."""
    url = config.get_main_option("sqlalchemy.url")
    conf_args = configure_args(get_engine().dialect.name)
    conf_args.pop("process_revision_directives", None)
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True, **conf_args)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations against the app's database."""

    def process_revision_directives(context, revision, directives):
        # Don't write an empty migration when the models didn't change.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    connectable = get_engine()
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, drop, rename): rows elsewhere that refer to it would stop
            # the DROP. Foreign keys are checked once, at the end, instead. The PRAGMA goes to the driver
            # directly: inside a transaction SQLite ignores it.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            conf_args = configure_args(connection.dialect.name)
            if conf_args.get("process_revision_directives") is None:
                conf_args["process_revision_directives"] = process_revision_directives
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"The migration left rows whose references are broken: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

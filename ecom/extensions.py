"""Extension instances, created unbound here and bound by the app factory."""

import sqlite3
from typing import Any

from celery import Celery, Task
from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_jwt_extended import JWTManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Connection, Engine, MetaData, event

from ecom.common.errors import ErrorSchema
from ecom.common.replica import RoutingSession

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ShopApi(Api):
    """flask-smorest's Api documenting our error payload."""

    ERROR_SCHEMA = ErrorSchema

    def _register_pagination_header(self) -> None:
        """Nothing: lists page in their body (ecom.common.pagination), not in a header."""


class AppContextTask(Task):
    """A Celery task that runs inside the Flask app the factory bound (``celery.flask_app``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING_CONVENTION),
    session_options={"class_": RoutingSession},
)
migrate = Migrate()
jwt = JWTManager()
api = ShopApi()
babel = Babel()
cache = Cache()
compress = Compress()
csrf = CSRFProtect()
mail = Mail()
celery = Celery("ecom", task_cls=AppContextTask)

__all__ = ["api", "babel", "cache", "celery", "compress", "csrf", "db", "jwt", "mail", "migrate"]


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection: object, _record: object) -> None:
    # SQLite ignores foreign keys unless asked, per connection; PostgreSQL always checks them.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(conn: Connection, _name: str) -> None:
    # The SQLite driver begins a transaction only before a write: a savepoint opened before
    # would start one itself, and its release would commit everything.
    dbapi_connection = conn.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")

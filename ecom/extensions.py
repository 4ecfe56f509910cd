"""Extension instances, created unbound here and bound by the app factory."""

import sqlite3
from typing import Any

from celery import Celery, Task
from flask_caching import Cache
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, MetaData, event

from ecom.common.errors import ErrorSchema
from ecom.common.ratelimit import application_limits, client_key, is_unlimited, log_breach
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
cache = Cache()
csrf = CSRFProtect()
limiter = Limiter(
    key_func=client_key, application_limits=application_limits(), on_breach=log_breach
)
limiter.request_filter(is_unlimited)
mail = Mail()
celery = Celery("ecom", task_cls=AppContextTask)

__all__ = ["api", "cache", "celery", "csrf", "db", "jwt", "limiter", "mail", "migrate"]


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection: object, _record: object) -> None:
    # SQLite ignores foreign keys unless asked, per connection; PostgreSQL always checks them.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

"""Flask extensions, created unbound here and bound to the app in create_app."""
from flask import has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names let Alembic alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Beyond any real list, and small enough that page * per_page stays a 64-bit OFFSET on every database.
MAX_PAGE = 1_000_000


class _SQLAlchemy(SQLAlchemy):
    def paginate(self, select, *, page=None, **kwargs):
        """Flask-SQLAlchemy's paginate, with a `?page=` from the address capped at MAX_PAGE.

        A 20-digit page number would otherwise overflow the OFFSET and answer 500; past the last
        page the list is simply empty, as for any other page beyond the end."""
        if page is None and has_request_context():
            asked = request.args.get("page", type=int)
            if asked is not None and asked > MAX_PAGE:
                page = MAX_PAGE
        return super().paginate(select, page=page, **kwargs)


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

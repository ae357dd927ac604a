"""Flask extension objects, created unbound here and bound to the app in create_app()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from dispute_engine.words import N_
from webapp.core.db import Base

db = SQLAlchemy(model_class=Base)

# The base class of every model. mypy cannot take a base class from an attribute of an
# object (db.Model), so to it the models derive from Base, which db.Model is built on
# (Flask-SQLAlchemy adds a repr and a query property, which the code does not use).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
htmx = Htmx()

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = N_("Please log in to see this page.")  # said when flashed
login_manager.login_message_category = "info"

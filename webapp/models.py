"""Imports every model module so the metadata (create_all, Alembic) sees every table.

Append a line for each new module that defines models.
"""

from webapp.accounts import login_links as accounts_login_links  # noqa: F401
from webapp.accounts import models as accounts_models  # noqa: F401
from webapp.api import idempotency as api_idempotency  # noqa: F401
from webapp.core import clock  # noqa: F401  (ClockSetting)
from webapp.disputes import models as disputes_models  # noqa: F401
from webapp.evidence import models as evidence_models  # noqa: F401
from webapp.exports import models as exports_models  # noqa: F401
from webapp.history import models as history_models  # noqa: F401
from webapp.marketplaces import keys as marketplaces_keys  # noqa: F401
from webapp.marketplaces import models as marketplaces_models  # noqa: F401
from webapp.mediation import models as mediation_models  # noqa: F401
from webapp.notifications import models as notifications_models  # noqa: F401
from webapp.orders import listing as orders_listing  # noqa: F401
from webapp.orders import models as orders_models  # noqa: F401
from webapp.protection import models as protection_models  # noqa: F401
from webapp.settlement import models as settlement_models  # noqa: F401
from webapp.webhooks import models as webhooks_models  # noqa: F401

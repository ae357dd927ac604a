"""The clock's deadline sweep (`disputes tick`) with 100,000 open disputes against 10,000.

The sweep finds due disputes through the index on next_deadline_at, so its cost should follow what
is due, not what is open. One real dispute is opened through the services; the others are copies
of its row (each on an order of its own) inserted in bulk, with deadlines days ahead, plus 20
disputes due in each round (made due again before each). SQLite file; medians of 15 sweeps.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from benchmarks.dispute_data import add_people, make_dispute
from webapp import create_app
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.disputes.ticking import tick
from webapp.orders.models import Order

ROUNDS = 15
DUE = 20
BATCH = 5_000


def add_copies(template_order: dict[str, Any], template: dict[str, Any], start: int, count: int) -> None:
    """Insert `count` open disputes like the template, each with its own order, deadlines days ahead."""
    for first in range(start, start + count, BATCH):
        numbers = range(first, min(first + BATCH, start + count))
        orders = [{**template_order, "number": f"S-{n}"} for n in numbers]
        db.session.execute(insert(Order), orders)
        ids = db.session.scalars(
            select(Order.id).where(Order.number.in_([o["number"] for o in orders]))
        ).all()
        ahead = template["next_deadline_at"] + timedelta(days=3)
        db.session.execute(
            insert(Dispute), [{**template, "order_id": i, "next_deadline_at": ahead} for i in ids]
        )
        db.session.commit()


def sweep_time(now: datetime, due_ids: list[int]) -> float:
    """Median seconds of one sweep that finds DUE disputes due (made due again before each round)."""
    times = []
    for _ in range(ROUNDS):
        db.session.execute(
            update(Dispute)
            .where(Dispute.id.in_(due_ids))
            .values(next_deadline_at=now - timedelta(minutes=1), next_deadline_kind=None)
        )
        db.session.commit()
        start = time.perf_counter()
        tick()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'sweep.sqlite3'}",
                "MEDIA_ROOT": str(folder / "media"),
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        with app.app_context():
            db.create_all()
            now = datetime.now(UTC)
            dispute = db.session.get_one(Dispute, make_dispute(add_people(), "T-0", now))
            template = {c.key: getattr(dispute, c.key) for c in Dispute.__table__.columns if c.key != "id"}
            order = dispute.order
            template_order = {c.key: getattr(order, c.key) for c in Order.__table__.columns if c.key != "id"}
            add_copies(template_order, template, 1, 10_000 - 1)
            due_ids = list(db.session.scalars(select(Dispute.id).order_by(Dispute.id).limit(DUE)))
            small = sweep_time(now, due_ids)
            add_copies(template_order, template, 10_000, 90_000)
            open_now = db.session.query(Dispute).count()
            large = sweep_time(now, due_ids)
            db.engine.dispose()
    return [
        {
            "line": "deadline sweep, 100k open vs 10k open",
            "ours_s": large,
            "baseline_s": small,
            "ratio": large / small,
            "note": f"{open_now:,} vs 10,000 open disputes, {DUE} due per sweep; SQLite, median of {ROUNDS}",
        }
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

"""The shared column types: exact money and aware UTC times, on every database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Engine, MetaData, create_engine, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from webapp.core.config import database_url
from webapp.core.db import Money, UTCDateTime


class ProbeBase(DeclarativeBase):
    metadata = MetaData()


class Probe(ProbeBase):
    __tablename__ = "db_types_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)


DATABASES = ["sqlite"] + (["test-database"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[Engine]:
    """A fresh probe table on SQLite, and on TEST_DATABASE_URL when it is set."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/types.sqlite3"
    else:
        url = database_url(os.environ["TEST_DATABASE_URL"], str(tmp_path))
    engine = create_engine(url)
    ProbeBase.metadata.drop_all(engine)
    ProbeBase.metadata.create_all(engine)
    yield engine
    ProbeBase.metadata.drop_all(engine)
    engine.dispose()


def _round_trip(engine: Engine, **values: object) -> Probe:
    with Session(engine) as session:
        session.add(Probe(id=1, **values))
        session.commit()
    with Session(engine) as session:
        return session.execute(select(Probe)).scalar_one()


@pytest.mark.parametrize("amount", ["0.10", "19.99", "1234567890.12", "0.01", "-5.00"])
def test_money_round_trips_decimal_exactly(engine: Engine, amount: str) -> None:
    stored = _round_trip(engine, amount=Decimal(amount))
    assert isinstance(stored.amount, Decimal)
    assert stored.amount == Decimal(amount)


def test_money_sums_stay_exact(engine: Engine) -> None:
    stored = _round_trip(engine, amount=Decimal("0.10") + Decimal("0.20"))
    assert stored.amount == Decimal("0.30")


@pytest.mark.parametrize("value", [19.99, 20])
def test_money_refuses_non_decimals(engine: Engine, value: object) -> None:
    with Session(engine) as session:
        session.add(Probe(id=1, amount=value))
        with pytest.raises(StatementError, match="never a float"):
            session.commit()


def test_utc_datetime_refuses_naive(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Probe(id=1, at=datetime(2026, 3, 1, 12, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()


def test_utc_datetime_returns_aware_utc(engine: Engine) -> None:
    moment = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    stored = _round_trip(engine, at=moment)
    assert stored.at == moment
    assert stored.at.utcoffset() == timedelta(0)


def test_utc_datetime_converts_other_zones(engine: Engine) -> None:
    moment = datetime(2026, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    stored = _round_trip(engine, at=moment)
    assert stored.at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert stored.at.tzinfo == UTC


def test_nulls_pass_through(engine: Engine) -> None:
    stored = _round_trip(engine, amount=None, at=None)
    assert stored.amount is None
    assert stored.at is None

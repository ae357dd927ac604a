"""Properties that hold for any input, checked with hypothesis (O7, F3, S1, N1, M8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from dispute_builders import ALIEXPRESS, facts, policy

from dispute_engine import State, add_business_days, due_deadline, next_deadline, parse_amount

hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")
given = hypothesis.given
# No example database: the suite leaves no files behind.
quietly = hypothesis.settings(database=None, deadline=None, max_examples=300)

totals = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
typed = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"\A\s?[-+]?\d{0,7}([.,]\d{0,4})?\s?\Z"),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))
day_counts = st.integers(min_value=0, max_value=60)


@quietly
@given(text=typed, total=totals)
def test_o7_f3_parse_amount_never_returns_more_than_the_total_or_more_than_two_decimals(text, total):
    try:
        amount = parse_amount(text, "USD", total)
    except ValueError as refused:
        assert str(refused)
        return
    assert isinstance(amount, Decimal)
    assert Decimal("0.01") <= amount <= total
    assert amount.as_tuple().exponent == -2


@quietly
@given(total=totals, data=st.data())
def test_o7_every_amount_within_bounds_reads_back_exactly_with_a_point_or_a_comma(total, data):
    amount = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=total, places=2))
    assert parse_amount(str(amount), "USD", total) == amount
    assert parse_amount(str(amount).replace(".", ","), "USD", total) == amount


@quietly
@given(
    opened_at=moments,
    state=st.sampled_from([State.AWAITING_SELLER, State.NEGOTIATING]),
    seller_days=day_counts,
    negotiation_days=day_counts,
)
def test_s1_n1_next_deadline_is_never_before_opening(opened_at, state, seller_days, negotiation_days):
    rules = policy(ALIEXPRESS, seller_response_days=seller_days, negotiation_days=negotiation_days)
    dispute = facts(policy=rules, state=state, opened_at=opened_at, open_until=opened_at + timedelta(60))
    deadline = next_deadline(dispute)
    assert deadline is not None
    assert deadline.at >= opened_at
    assert deadline.at - opened_at == timedelta(
        days=seller_days if state is State.AWAITING_SELLER else negotiation_days
    )


@quietly
@given(opened_at=moments, offset=st.integers(min_value=-(10**6), max_value=10**6))
def test_s1_the_deadline_is_due_exactly_from_its_moment_on(opened_at, offset):
    dispute = facts(opened_at=opened_at, open_until=opened_at + timedelta(60))
    deadline = next_deadline(dispute)
    assert deadline is not None
    now = deadline.at + timedelta(seconds=offset)
    assert (due_deadline(dispute, now) is not None) is (offset >= 0)


@quietly
@given(start=moments, count=st.integers(min_value=0, max_value=40))
def test_m8_business_days_never_end_at_a_weekend_and_keep_the_time_of_day(start, count):
    due = add_business_days(start, count)
    assert due.weekday() < 5
    assert due.time() == start.time()
    assert due >= start + timedelta(days=count)
    assert add_business_days(start, count + 1) > due
    weekdays_passed = sum(
        1 for n in range(1, (due - start).days + 1) if (start + timedelta(days=n)).weekday() < 5
    )
    # A clock started at the weekend starts counting on Monday, which is then day zero.
    assert weekdays_passed == count + (1 if start.weekday() >= 5 else 0)

"""API keys: only a hash kept, two active at once, revocation at once, last use recorded sparingly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from webapp.core.clock import real_now
from webapp.core.extensions import db
from webapp.marketplaces.keys import ApiKey, KeyRefused, authenticate, issue_key, revoke
from webapp.marketplaces.models import Marketplace

NOW = real_now()


@pytest.fixture
def market(db_session: Any) -> Marketplace:
    marketplace = Marketplace(name="Shop", policy="aliexpress")
    db.session.add(marketplace)
    db.session.commit()
    return marketplace


def test_only_a_salted_hash_of_the_secret_is_stored(market: Marketplace):
    key, token = issue_key(market, NOW)
    secret = token.split("_", 2)[2]
    row = db.session.scalar(select(ApiKey).where(ApiKey.id == key.id))
    assert secret not in (row.secret_hash, row.salt, row.key_id)
    assert authenticate(token, NOW) is key
    assert authenticate(token[:-1] + ("A" if token[-1] != "A" else "B"), NOW) is None
    assert authenticate("Bearer nonsense", NOW) is None


def test_two_keys_may_be_active_for_rotation_and_a_third_is_refused(market: Marketplace):
    first, first_token = issue_key(market, NOW)
    _, second_token = issue_key(market, NOW)
    with pytest.raises(KeyRefused, match="revoke one first"):
        issue_key(market, NOW)
    revoke(first.key_id, NOW)
    assert authenticate(first_token, NOW) is None
    assert authenticate(second_token, NOW) is not None
    issue_key(market, NOW)


def test_last_use_is_written_at_most_once_a_minute(market: Marketplace):
    key, token = issue_key(market, NOW)
    db.session.commit()
    authenticate(token, NOW)
    db.session.commit()
    db.session.refresh(key)
    assert key.last_used_at == NOW
    authenticate(token, NOW + timedelta(seconds=30))
    db.session.refresh(key)
    assert key.last_used_at == NOW
    authenticate(token, NOW + timedelta(minutes=2))
    db.session.refresh(key)
    assert key.last_used_at == NOW + timedelta(minutes=2)


def test_unknown_scopes_are_refused(market: Marketplace):
    with pytest.raises(KeyRefused, match="Unknown scope"):
        issue_key(market, NOW, ("orders:delete",))


def test_the_cli_prints_the_first_key_once_and_can_rotate_and_revoke(app: Flask, runner: Any):
    created = runner.invoke(args=["marketplaces", "create", "Shop Two", "--policy", "aliexpress"])
    assert created.exit_code == 0, created.output
    token = created.output.split("keep it secret): ")[1].strip()
    with app.app_context():
        assert authenticate(token, NOW) is not None
    second = runner.invoke(args=["marketplaces", "key", "Shop Two", "--scope", "disputes:read"])
    assert "(disputes:read)" in second.output
    third = runner.invoke(args=["marketplaces", "key", "Shop Two"])
    assert third.exit_code != 0 and "revoke one first" in third.output
    key_id = token.split("_")[1]
    assert runner.invoke(args=["marketplaces", "revoke-key", key_id]).exit_code == 0
    listed = runner.invoke(args=["marketplaces", "keys", "Shop Two"]).output
    assert "revoked" in listed and "active" in listed
    with app.app_context():
        assert authenticate(token, NOW) is None

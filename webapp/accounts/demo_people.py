"""The demo's people: who `flask demo seed` creates, and the login page's list of them."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from dispute_engine.words import N_, Words
from webapp.accounts.models import MembershipTier, Role, User
from webapp.core.extensions import db
from webapp.marketplaces.models import DEMO_NAME, marketplace_named

PASSWORD = "demo-password"
PEOPLE = [
    ("buyer@example.com", "Bea Buyer", Role.BUYER, MembershipTier.REGULAR),
    ("seller@example.com", "Sam Seller", Role.SELLER, MembershipTier.REGULAR),
    ("mediator@example.com", "Mo Mediator", Role.MEDIATOR, MembershipTier.REGULAR),
    ("mediator2@example.com", "Mel Mediator", Role.MEDIATOR, MembershipTier.REGULAR),
    ("lead@example.com", "Lee Lead", Role.LEAD_MEDIATOR, MembershipTier.REGULAR),
    ("buyer2@example.com", "Bo Buyer", Role.BUYER, MembershipTier.SILVER),
    ("seller2@example.com", "Sia Seller", Role.SELLER, MembershipTier.REGULAR),
    ("bronze@example.com", "Bron Buyer", Role.BUYER, MembershipTier.BRONZE),
    ("gold@example.com", "Goldie Buyer", Role.BUYER, MembershipTier.GOLD),
]
# What the login page calls each role and tier, in words to say in the reader's language.
ROLE_WORDS = {
    Role.BUYER: N_("buyer"),
    Role.SELLER: N_("seller"),
    Role.MEDIATOR: N_("mediator"),
    Role.LEAD_MEDIATOR: N_("lead mediator"),
}
TIER_WORDS = {
    MembershipTier.REGULAR: N_("regular"),
    MembershipTier.BRONZE: N_("bronze"),
    MembershipTier.SILVER: N_("silver"),
    MembershipTier.GOLD: N_("gold"),
}


def demo_accounts() -> list[tuple[str, str]]:
    """The demo people as (email, "role" or "role, tier member") once `flask demo seed` has made them.

    Empty in production, and whenever any demo person is missing (no demo data loaded).
    """
    if current_app.config.get("APP_ENV") == "production":
        return []
    emails = [email for email, *_ in PEOPLE]
    demo = marketplace_named(DEMO_NAME)
    if demo is None:
        return []
    found = db.session.scalar(
        select(func.count(User.id)).where(User.email.in_(emails), User.marketplace_id == demo.id)
    )
    if found != len(PEOPLE):
        return []
    return [(email, _described(role, tier)) for email, _name, role, tier in PEOPLE]


def _described(role: Role, tier: MembershipTier) -> str:
    said = Words(ROLE_WORDS[role])
    if tier is MembershipTier.REGULAR:
        return said
    return Words(N_("%(role)s, %(tier)s member"), role=said, tier=Words(TIER_WORDS[tier]))

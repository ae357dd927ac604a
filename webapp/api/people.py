"""Buyers and sellers, upserted by the marketplace's own ids (external_id)."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dispute_engine import FormInvalid
from webapp.accounts.login_links import create_link
from webapp.accounts.models import MembershipTier, Role, User, normalise_email
from webapp.api.blueprint import bp, marketplace, scope
from webapp.api.idempotency import idempotent
from webapp.api.schemas import LoginLinkIn, LoginLinkOut, PersonIn, PersonOut
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.refusals import NotFound
from webapp.disputes.models import Dispute


class PersonNotFound(NotFound):
    """No such person in this marketplace."""

    explanation = "There is no such buyer or seller in this marketplace."


def person(external_id: str) -> User:
    """The marketplace's buyer or seller with this external id (404 for any other marketplace's)."""
    user = db.session.scalar(
        select(User).where(User.marketplace_id == marketplace().id, User.external_id == external_id)
    )
    if user is None:
        raise PersonNotFound(external_id)
    return user


def person_out(user: User) -> dict[str, Any]:
    """A person as the API shows them."""
    return {
        "id": user.id,
        "external_id": user.external_id,
        "role": user.role.value,
        "name": user.name,
        "email": user.email,
        "locale": user.locale,
        "membership_tier": user.membership_tier.value,
        "created_at": user.created_at,
    }


@bp.put("/users/<external_id>")
@scope("orders:write")
@bp.input(PersonIn, arg_name="data")
@bp.output(PersonOut)
@bp.doc(summary="Create or update a buyer or seller", responses=[401, 403, 404, 409, 422, 429])
def put_user(external_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Create the person with this external id, or update their name, email, locale and tier.

    A person's role never changes: a buyer stays a buyer (send another id for the same person as a seller).
    """
    if not 1 <= len(external_id) <= 64:
        raise FormInvalid({"external_id": "An external id has 1 to 64 characters."})
    owner = marketplace()
    user = db.session.scalar(
        select(User).where(User.marketplace_id == owner.id, User.external_id == external_id)
    )
    if user is None:
        user = User(
            marketplace_id=owner.id, external_id=external_id, role=Role(data["role"]), password_hash=""
        )
        db.session.add(user)
    elif user.role.value != data["role"]:
        raise FormInvalid({"role": f"This person is a {user.role.value}; a role never changes."})
    user.name = data["name"].strip() or external_id
    user.email = normalise_email(data["email"])
    user.locale = data["locale"]
    user.membership_tier = MembershipTier(data["membership_tier"])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise FormInvalid({"email": "Another person of this marketplace has this email."}) from None
    return person_out(user)


@bp.get("/users/<external_id>")
@scope("disputes:read")
@bp.output(PersonOut)
@bp.doc(summary="One buyer or seller", responses=[401, 403, 404, 429])
def get_user(external_id: str) -> dict[str, Any]:
    """The person with this external id."""
    return person_out(person(external_id))


@bp.post("/users/<external_id>/login-links")
@scope("disputes:write")
@idempotent(lambda: marketplace().id)
@bp.input(LoginLinkIn, arg_name="data")
@bp.output(LoginLinkOut, status_code=201)
@bp.doc(summary="A one-click login link", responses=[401, 403, 404, 422, 429])
def create_login_link(external_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A URL that logs the person in (valid 5 minutes, once) and lands on their dispute or home page."""
    user = person(external_id)
    next_path = url_for("home.index")
    if data["dispute_id"] is not None:
        dispute = db.session.get(Dispute, data["dispute_id"])
        if dispute is None or user.id not in (dispute.order.buyer_id, dispute.order.seller_id):
            raise FormInvalid(
                {"dispute_id": "This person is neither the buyer nor the seller of that dispute."}
            )
        next_path = url_for("disputes.show", dispute_id=dispute.id)
    token, expires = create_link(user, next_path, clock.now())
    base = current_app.config["PUBLIC_URL"]
    return {"url": base + url_for("login_links.follow", token=token), "expires_at": expires}

"""`flask --app webapp users ...`: create, list, disable accounts and set passwords from the command line."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.accounts.models import MembershipTier, Role, User, normalise_email
from webapp.core import clock
from webapp.core.extensions import db
from webapp.marketplaces.models import DEMO_NAME, demo_marketplace, marketplace_named

MIN_PASSWORD_LENGTH = 8

users_cli = AppGroup("users", help="Create, list and disable user accounts; set passwords.")


def _check_email(value: str) -> str:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    return normalise_email(value)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters."
        )


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"There is no user with email {normalise_email(email)}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", help="Display name (default: the part of the email before @).")
@click.option(
    "--tier",
    type=click.Choice([t.value for t in MembershipTier]),
    default=MembershipTier.REGULAR.value,
    show_default=True,
)
@click.option(
    "--marketplace", default=DEMO_NAME, show_default=True, help="The marketplace the person belongs to."
)
@click.password_option(help="Password (prompted, hidden, when not given).")
def create_command(
    email: str, role: str, name: str | None, tier: str, marketplace: str, password: str
) -> None:
    """Create a user who can log in with EMAIL."""
    email = _check_email(email)
    owner = demo_marketplace() if marketplace == DEMO_NAME else marketplace_named(marketplace)
    if owner is None:
        raise click.ClickException(f"There is no marketplace named {marketplace!r}.")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"A user with email {email} already exists.")
    _check_password(password)
    user = User(
        marketplace_id=owner.id,
        email=email,
        name=(name or email.split("@", 1)[0]).strip(),
        role=Role(role),
        membership_tier=MembershipTier(tier),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} ({user.membership_tier}), id {user.id}.")


@users_cli.command("list")
def list_command() -> None:
    """List every user: id, email, role, tier and name."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{user.membership_tier}\t{user.name}")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="The new password (prompted, hidden, when not given).")
def set_password_command(email: str, password: str) -> None:
    """Give EMAIL a new password; every session of that user ends at once."""
    _check_password(password)
    user = _user(email)
    user.set_password(password)
    db.session.commit()
    click.echo(f"New password set for {user.email}; every session of it has ended.")


@users_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable EMAIL: it can no longer log in, and every session of it ends at once."""
    user = _user(email)
    if user.is_active:
        user.disable(clock.now())
        db.session.commit()
    click.echo(f"{user.email} is disabled; every session of it has ended.")


@users_cli.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Let a disabled EMAIL log in again (its old sessions stay ended)."""
    user = _user(email)
    user.disabled_at = None
    db.session.commit()
    click.echo(f"{user.email} can log in again.")

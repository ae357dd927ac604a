"""`flask --app webapp marketplaces ...`: create marketplaces and list them."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.core.policies import registry
from webapp.marketplaces.keys import SCOPES, ApiKey, KeyRefused, issue_key, revoke
from webapp.marketplaces.models import Marketplace, marketplace_named

marketplaces_cli = AppGroup("marketplaces", help="Marketplaces (tenants) and their API keys.")


def _check_policy(name: str) -> str:
    names = registry().names()
    if name not in names:
        known = ", ".join(sorted(names))
        raise click.BadParameter(
            f"Unknown policy {name!r}; this deployment runs {known}.", param_hint="--policy"
        )
    return name


@marketplaces_cli.command("create")
@click.argument("name")
@click.option("--policy", required=True, help="aliexpress, dhgate or a policy from POLICY_DIR.")
def create_command(name: str, policy: str) -> None:
    """Create the marketplace NAME whose orders follow POLICY."""
    name = name.strip()
    if not name:
        raise click.BadParameter("Give the marketplace a name.", param_hint="NAME")
    if marketplace_named(name) is not None:
        raise click.ClickException(f"A marketplace named {name!r} already exists.")
    marketplace = Marketplace(name=name, policy=_check_policy(policy))
    db.session.add(marketplace)
    db.session.flush()
    _, token = issue_key(marketplace, clock_now(db.session))
    db.session.commit()
    click.echo(f"Created marketplace {marketplace.name} ({marketplace.policy}), id {marketplace.id}.")
    click.echo(f"Its first API key (shown once, keep it secret): {token}")


def _marketplace(name: str) -> Marketplace:
    found = marketplace_named(name)
    if found is None:
        raise click.ClickException(f"There is no marketplace named {name!r}.")
    return found


@marketplaces_cli.command("key")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES), help="Repeat; default: all.")
def key_command(name: str, scopes: tuple[str, ...]) -> None:
    """Issue another API key for the marketplace NAME (two may be active, for rotation)."""
    try:
        key, token = issue_key(_marketplace(name), clock_now(db.session), scopes or SCOPES)
    except KeyRefused as refused:
        raise click.ClickException(str(refused)) from None
    db.session.commit()
    click.echo(f"API key {key.key_id} ({key.scopes}), shown once: {token}")


@marketplaces_cli.command("revoke-key")
@click.argument("key_id")
def revoke_key_command(key_id: str) -> None:
    """Revoke the API key KEY_ID; requests with it fail from the next one on."""
    if revoke(key_id, clock_now(db.session)) is None:
        raise click.ClickException(f"There is no API key {key_id!r}.")
    db.session.commit()
    click.echo(f"Revoked {key_id}.")


@marketplaces_cli.command("keys")
@click.argument("name")
def keys_command(name: str) -> None:
    """List the marketplace's API keys: id, scopes, created, last used, revoked."""
    marketplace = _marketplace(name)
    for key in db.session.scalars(select(ApiKey).where(ApiKey.marketplace_id == marketplace.id)):
        used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "never used"
        revoked = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        click.echo(f"{key.key_id}\t{key.scopes}\t{key.created_at:%Y-%m-%d}\t{used}\t{revoked}")


@marketplaces_cli.command("list")
def list_command() -> None:
    """List every marketplace: id, name and policy."""
    for marketplace in db.session.scalars(select(Marketplace).order_by(Marketplace.id)):
        click.echo(f"{marketplace.id}\t{marketplace.name}\t{marketplace.policy}")

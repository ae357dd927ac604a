"""`flask --app webapp marketplaces ...`: create marketplaces and list them."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.core.policies import registry
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
    db.session.commit()
    click.echo(f"Created marketplace {marketplace.name} ({marketplace.policy}), id {marketplace.id}.")


@marketplaces_cli.command("list")
def list_command() -> None:
    """List every marketplace: id, name and policy."""
    for marketplace in db.session.scalars(select(Marketplace).order_by(Marketplace.id)):
        click.echo(f"{marketplace.id}\t{marketplace.name}\t{marketplace.policy}")

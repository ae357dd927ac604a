"""`flask --app webapp demo seed`: demo people, orders for every opening case, disputes in every stage.

Disputes are driven through the real services at past moments, so their histories and clocks
are exactly what real use would have produced. Running it twice changes nothing.
`flask --app webapp demo reset` starts the demo again: empty database, clock at real time, seed.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from PIL import Image, ImageDraw
from sqlalchemy import func, select, text

from dispute_engine import Action, Actor
from media import MediaToolMissing
from media.tools import ffmpeg_path
from webapp.accounts.demo_people import PASSWORD, PEOPLE
from webapp.accounts.models import User
from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.core.uploads import Upload
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.opening import open_dispute
from webapp.disputes.pipeline import perform, settle_due_deadlines
from webapp.disputes.steps import ActionContext, Done
from webapp.evidence import locker
from webapp.evidence.attachments import UploadedFiles, fingerprint
from webapp.marketplaces.models import demo_marketplace
from webapp.mediation import services as mediation
from webapp.orders.models import Order

READY = (
    f"Demo data ready. Log in as buyer@example.com, seller@example.com or "
    f"mediator@example.com (or lead@example.com, who may reassign cases) with the password {PASSWORD!r}."
)
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

demo_cli = AppGroup("demo", help="Demo data.")


def _people() -> dict[str, User]:
    users = {}
    marketplace = demo_marketplace()
    for email, name, role, tier in PEOPLE:
        user = db.session.scalar(
            select(User).where(User.email == email, User.marketplace_id == marketplace.id)
        )
        if user is None:
            user = User(
                marketplace_id=marketplace.id, email=email, name=name, role=role, membership_tier=tier
            )
            user.set_password(PASSWORD)
            db.session.add(user)
        users[email.split("@")[0]] = user
    db.session.flush()
    return users


def demo_photo(label: str) -> Upload:
    """A small JPEG with a caption, standing in for a buyer's phone photo."""
    image = Image.new("RGB", (640, 480), (214, 222, 235))
    ImageDraw.Draw(image).text((24, 24), label, fill=(20, 30, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    return Upload(buffer, f"{label.lower().replace(' ', '-')}.jpg")


def demo_video(label: str, seconds: int = 5) -> Upload | None:
    """A short test-card clip with a tone, standing in for a phone video (None without ffmpeg)."""
    try:
        ffmpeg = ffmpeg_path()
    except MediaToolMissing:
        return None
    picture = f"testsrc2=size=640x360:rate=25:duration={seconds}"
    tone = f"sine=frequency=440:duration={seconds}"
    # A pipe cannot be rewound, so the MP4 is fragmented; our pipeline transcodes it anyway.
    options = (
        "-c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -shortest -movflags frag_keyframe+empty_moov"
    )
    inputs = ["-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", tone]
    done = subprocess.run(
        [ffmpeg, "-nostdin", "-loglevel", "error", *inputs, *options.split(), "-f", "mp4", "pipe:1"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return Upload(io.BytesIO(done.stdout), f"{label.lower().replace(' ', '-')}.mp4")


def _order(
    number: str,
    buyer: User,
    seller: User,
    title: str,
    price: str,
    now: datetime,
    *,
    dispatched_days_ago: float,
    protection_ends_in_days: float,
    receipt_days_ago: float | None = None,
    policy: str = "aliexpress",
) -> Order:
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is not None:
        return order
    order = Order(
        marketplace_id=buyer.marketplace_id,
        number=number,
        buyer_id=buyer.id,
        seller_id=seller.id,
        item_title=title,
        item_price=Decimal(price),
        shipping_cost=Decimal("4.50"),
        currency="USD",
        paid_at=now - timedelta(days=dispatched_days_ago + 2),
        dispatched_at=now - timedelta(days=dispatched_days_ago),
        tracking_number=f"LP{number.replace('-', '')}CN",
        tracking_status="In transit",
        protection_ends_at=now + timedelta(days=protection_ends_in_days),
        receipt_confirmed_at=now - timedelta(days=receipt_days_ago) if receipt_days_ago is not None else None,
        policy=policy,
    )
    db.session.add(order)
    db.session.flush()
    return order


Step = Callable[[ActionContext], Done]


def _act(user: User, dispute_id: int, action: Action, at: datetime, step: Step) -> None:
    perform(user, dispute_id, action, at, step)


def _opened(order: Order, buyer: User, at: datetime, reason: str = "damaged_in_transit") -> int:
    form = {
        "received": "yes",
        "reason": reason,
        "resolution": "refund_only",
        "amount": str(order.total),
        "description": "The parcel arrived crushed and the item is cracked.",
    }
    return open_dispute(buyer, order.id, form, UploadedFiles([demo_photo("Crushed box")]), now=at).id


def seed_disputes(u: dict[str, User], now: datetime) -> None:
    """Disputes in every stage, each on its own order."""

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    buyer, seller, mediator = u["buyer"], u["seller"], u["mediator"]

    def order(
        n: str, title: str, opened_days_ago: float, policy: str = "aliexpress", who: User = buyer
    ) -> Order:
        return _order(
            n,
            who,
            seller,
            title,
            "45.00",
            now,
            dispatched_days_ago=opened_days_ago + 12,
            protection_ends_in_days=20,
            receipt_days_ago=opened_days_ago + 1,
            policy=policy,
        )

    # Awaiting the seller's answer.
    _opened(order("D-2001", "Bluetooth speaker", 1), buyer, ago(1))
    # Negotiating: the seller rejected with a counter-offer.
    d = _opened(order("D-2002", "Desk lamp", 3), buyer, ago(3))
    _act(
        seller,
        d,
        Action.REJECT_REQUEST,
        ago(2),
        lambda c: negotiation.reject_request(
            c, {"resolution": "refund_only", "amount": "10.00", "comment": "A partial refund is fair."}
        ),
    )
    # Escalated by the clock: the platform is processing; nobody has taken the case yet.
    d = _opened(order("D-2003", "Phone case", 9), buyer, ago(9))
    _act(seller, d, Action.REJECT_REQUEST, ago(8), lambda c: negotiation.reject_request(c, {}))
    # Escalated and waiting for the buyer's evidence.
    d = _opened(order("D-2004", "Smartwatch", 9, who=u["buyer2"]), u["buyer2"], ago(9), "quality_problem")
    _act(seller, d, Action.REJECT_REQUEST, ago(8), lambda c: negotiation.reject_request(c, {}))
    _act(mediator, d, Action.TAKE_CASE, ago(1.5), mediation.take_case)
    _act(
        mediator,
        d,
        Action.REQUEST_EVIDENCE,
        ago(1),
        lambda c: mediation.request_evidence(
            c, "buyer", "A video of the watch on its charger beside another device that charges.", None
        ),
    )
    # The mediator proposed two solutions; both parties are to answer.
    d = _opened(order("D-2005", "Headphones", 10), buyer, ago(10), "quality_problem")
    if (clip := demo_video("Left ear cup silent")) is not None:
        _act(
            buyer,
            d,
            Action.ADD_EVIDENCE,
            ago(9.9),
            lambda c: locker.add_evidence(c, [clip], "Left side silent"),
        )
    _act(seller, d, Action.REJECT_REQUEST, ago(9), lambda c: negotiation.reject_request(c, {}))
    _act(mediator, d, Action.TAKE_CASE, ago(2), mediation.take_case)
    _act(
        mediator,
        d,
        Action.PROPOSE_DECISION,
        ago(1),
        lambda c: mediation.propose_decision(
            c,
            [
                ("refund_only", "24.75", "Keep the item"),
                ("return_and_refund", "49.50", "Return at your cost"),
            ],
            "The video shows one ear cup is silent.",
            fingerprint(c.dispute.id),
        ),
    )
    # Closed because the seller never answered: the refund is pending.
    _opened(order("D-2006", "Backpack", 8), buyer, ago(8))
    # Agreed on a return: the buyer has to ship the item back.
    d = _opened(order("D-2007", "Running shoes", 4), buyer, ago(4), "not_as_described")
    _act(
        seller,
        d,
        Action.REJECT_REQUEST,
        ago(3),
        lambda c: negotiation.reject_request(
            c,
            {"resolution": "return_and_refund", "amount": "49.50", "comment": "Send them back, full refund."},
        ),
    )
    proposal_id = db.session.get_one(Dispute, d).live_proposals(Actor.SELLER)[0].id
    _act(buyer, d, Action.ACCEPT_PROPOSAL, ago(2), lambda c: negotiation.accept_proposal(c, proposal_id))
    # Cancelled by the buyer; it can be reopened.
    d = _opened(order("D-2008", "Coffee grinder", 2), buyer, ago(2))
    _act(buyer, d, Action.CANCEL, ago(1), lifecycle.cancel)
    # dhgate disputes escalated by hand, for members of each tier (the queue's SLA times differ).
    for number, who in (("D-2101", u["gold"]), ("D-2102", buyer), ("D-2103", u["bronze"])):
        d = _opened(order(number, "Unbranded smartphone", 6, "dhgate", who), who, ago(6), "quality_problem")
        _act(seller, d, Action.REJECT_REQUEST, ago(5.5), lambda c: negotiation.reject_request(c, {}))
        _act(who, d, Action.ESCALATE, ago(0.5), lifecycle.escalate_by_hand)
        if number == "D-2101":  # another mediator holds it: Mo reads it, Lee may hand it over
            _act(u["mediator2"], d, Action.TAKE_CASE, ago(0.4), mediation.take_case)


def seed_opening_cases(u: dict[str, User], now: datetime) -> None:
    """Orders covering every opening case of O2, O3 and O5, plus dhgate orders for each tier."""
    buyer, seller = u["buyer"], u["seller"]
    _order(
        "D-1001",
        buyer,
        seller,
        "Wireless earbuds (too early to dispute)",
        "29.90",
        now,
        dispatched_days_ago=3,
        protection_ends_in_days=40,
    )
    _order(
        "D-1002",
        buyer,
        seller,
        "Ceramic teapot (received broken)",
        "38.00",
        now,
        dispatched_days_ago=20,
        protection_ends_in_days=30,
        receipt_days_ago=2,
    )
    _order(
        "D-1003",
        buyer,
        seller,
        "Phone charger (window closed)",
        "12.00",
        now,
        dispatched_days_ago=60,
        protection_ends_in_days=-10,
        receipt_days_ago=20,
    )
    _order(
        "D-1004",
        buyer,
        seller,
        "Winter jacket (never arrived, protection ended)",
        "64.00",
        now,
        dispatched_days_ago=50,
        protection_ends_in_days=-2,
    )
    _order(
        "D-1005",
        buyer,
        seller,
        "Board game (in transit, protection running)",
        "25.00",
        now,
        dispatched_days_ago=15,
        protection_ends_in_days=10,
    )
    _order(
        "D-1006",
        u["buyer2"],
        u["seller2"],
        "Yoga mat",
        "19.00",
        now,
        dispatched_days_ago=14,
        protection_ends_in_days=15,
        receipt_days_ago=1,
    )
    for tier, who in (
        ("regular", buyer),
        ("bronze", u["bronze"]),
        ("silver", u["buyer2"]),
        ("gold", u["gold"]),
    ):
        _order(
            f"H-{tier}",
            who,
            u["seller2"],
            f"Unbranded tablet ({tier} member)",
            "80.00",
            now,
            dispatched_days_ago=14,
            protection_ends_in_days=15,
            receipt_days_ago=1,
            policy="dhgate",
        )


def seed() -> None:
    """Create what is missing of the demo data, in one transaction."""
    now = clock_now(db.session)
    people = _people()
    if db.session.scalar(select(Order.id).where(Order.number == "D-1001")) is None:
        seed_opening_cases(people, now)
    if db.session.scalar(select(Order.id).where(Order.number == "D-2001")) is None:
        seed_disputes(people, now)
    for dispute in db.session.scalars(select(Dispute)):
        settle_due_deadlines(dispute, now)
    db.session.commit()


@demo_cli.command("seed")
def seed_command() -> None:
    """Load the demo people, orders and disputes (safe to run again)."""
    seed()
    click.echo(READY)


def reset() -> None:
    """Drop every table, build the schema again with the migrations (the clock row goes too: real time)."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(directory=str(MIGRATIONS))


@demo_cli.command("reset")
@click.option("--empty", is_flag=True, help="Leave the database empty instead of loading the demo again.")
@click.confirmation_option(
    "--yes", prompt="Delete every account, order and dispute in this database and start the demo again?"
)
def reset_command(empty: bool) -> None:
    """Start the demo again: delete all data, put the clock back to real time, then seed."""
    if current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("Refusing to reset a production database (APP_ENV=production).")
    reset()
    click.echo("Database emptied and migrated again; the app clock is back to real time.")
    if not empty:
        seed()
        click.echo(READY)


@demo_cli.command("order")
@click.option("--buyer", default="buyer@example.com", show_default=True)
@click.option("--seller", default="seller@example.com", show_default=True)
@click.option("--title", default="Demo item", show_default=True)
@click.option("--price", default="45.00", show_default=True)
@click.option("--policy", default="aliexpress", show_default=True)
@click.option("--received/--not-received", default=True, help="Whether the buyer confirmed receipt.")
@click.option(
    "--in-transit", is_flag=True, help="Not received and buyer protection still running (O10: extendable)."
)
def order_command(
    buyer: str, seller: str, title: str, price: str, policy: str, received: bool, in_transit: bool
) -> None:
    """Create one more order, disputable now (or, --in-transit, still on its way); print its number."""
    now = clock_now(db.session)
    people = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_([buyer, seller])))}
    if buyer not in people or seller not in people:
        raise click.ClickException("Unknown buyer or seller email: run `flask demo seed` first.")
    count = db.session.scalar(select(func.count(Order.id))) or 0
    number = f"X-{count + 1:04d}"
    _order(
        number,
        people[buyer],
        people[seller],
        title,
        price,
        now,
        dispatched_days_ago=14,
        protection_ends_in_days=20 if received or in_transit else -1,
        receipt_days_ago=1 if received and not in_transit else None,
        policy=policy,
    )
    db.session.commit()
    click.echo(number)

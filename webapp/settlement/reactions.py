"""How settlement follows the dispute: a closing starts the money, a return's or a re-shipment's clock
moves it, a reopening ends a re-shipment that never arrived (F1, F2, F6, C5)."""

from __future__ import annotations

from dispute_engine import EffectKind
from webapp.disputes.events import DisputeClosed, DisputeReopened, ReturnClockRan, subscribe
from webapp.settlement import services


@subscribe(DisputeClosed)
def start_settlement(event: DisputeClosed) -> None:
    """Begin what the closing terms promise: a refund now, or a return first."""
    services.start(event.dispute, event.closing.terms, at=event.at)
    return None


@subscribe(ReturnClockRan)
def follow_return_clock(event: ReturnClockRan) -> str | None:
    """Lapse an unshipped return, or take a shipped one as received, or refund instead of an unsent
    re-shipment; say what refund is due."""
    if event.effect is EffectKind.RESHIP_NOT_SHIPPED:
        return services.reshipment_not_shipped(event.dispute, at=event.at)
    if event.effect is EffectKind.RETURN_LAPSED:
        services.lapse_return(event.dispute, at=event.at)
        return None
    return services.receive_return(event.dispute, at=event.at)


@subscribe(DisputeReopened)
def end_missing_reshipment(event: DisputeReopened) -> None:
    """A reopening after the delivery window marks the re-shipped parcel as never arrived (C5)."""
    services.reshipment_reopened(event.dispute, at=event.at)
    return None

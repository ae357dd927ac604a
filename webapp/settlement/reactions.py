"""How settlement follows the dispute: a closing starts the money, a return's clock moves it (F1, F2)."""

from __future__ import annotations

from dispute_engine import EffectKind
from webapp.disputes.events import DisputeClosed, ReturnClockRan, subscribe
from webapp.settlement import services


@subscribe(DisputeClosed)
def start_settlement(event: DisputeClosed) -> None:
    """Begin what the closing terms promise: a refund now, or a return first."""
    services.start(event.dispute, event.closing.terms, at=event.at)
    return None


@subscribe(ReturnClockRan)
def follow_return_clock(event: ReturnClockRan) -> str | None:
    """Lapse an unshipped return, or take a shipped one as received; say what refund is due."""
    if event.effect is EffectKind.RETURN_LAPSED:
        services.lapse_return(event.dispute, at=event.at)
        return None
    return services.receive_return(event.dispute, at=event.at)

"""O9 for sellers: every reason says what evidence answers it from the seller's side."""

from __future__ import annotations

from dispute_engine import Reason
from dispute_engine.reasons import SELLER_GUIDANCE, guidance_for, seller_guidance_for


def test_o9_every_reason_has_seller_guidance_of_its_own():
    assert set(SELLER_GUIDANCE) == set(Reason)
    for reason in Reason:
        assert seller_guidance_for(reason) != guidance_for(reason)


def test_o9_a_seller_answers_not_received_with_proof_of_shipment_and_tracking():
    for reason in (Reason.NO_TRACKING, Reason.PROTECTION_EXPIRING_IN_TRANSIT, Reason.RETURNED_TO_SELLER):
        assert "Proof of shipment" in seller_guidance_for(reason)
        assert "tracking page" in seller_guidance_for(reason)


def test_o9_a_seller_answers_received_goods_with_photos_before_dispatch():
    for reason in (Reason.NOT_AS_DESCRIBED, Reason.DAMAGED_IN_TRANSIT, Reason.MISSING_PARTS):
        assert "taken before dispatch" in seller_guidance_for(reason)

"""Exact money: parsing what a person typed into a Decimal within bounds (O7, F3)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .words import N_, Amount, Words

# Minor units per currency; two decimals unless listed.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "HUF": 2, "BHD": 3, "KWD": 3}


def minor_units(currency: str) -> int:
    """How many decimals an amount in `currency` may have."""
    return MINOR_UNITS.get(currency.upper(), 2)


def smallest_amount(currency: str) -> Decimal:
    """The smallest positive amount in `currency` (0.01 for most)."""
    return Decimal(1).scaleb(-minor_units(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round `amount` to the currency's minor unit (used only on computed amounts)."""
    return amount.quantize(smallest_amount(currency), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """`45.00 USD`: the amount with its currency's decimals and code."""
    return f"{quantize(amount, currency):,.{minor_units(currency)}f} {currency.upper()}"


def parse_amount(text: object, currency: str, maximum: Decimal, *, allow_zero: bool = False) -> Decimal:
    """Read an amount typed by a person; raise ValueError with a readable reason (O7).

    Accepts "45", "45.5", "45.50" and a comma as decimal mark ("45,50"); refuses floats,
    exponents, signs, thousands separators, too many decimals and anything out of bounds.
    The ValueError's argument is the reason as Words.
    """
    if isinstance(text, float):
        raise ValueError(Words(N_("Amounts are exact decimals; a float was given.")))
    raw = str(text if text is not None else "").strip().replace(" ", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    if not raw:
        raise ValueError(Words(N_("Enter an amount.")))
    if not all(ch.isdigit() or ch == "." for ch in raw) or raw.count(".") > 1:
        raise ValueError(Words(N_("Enter the amount as a number, for example 12.50.")))
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(Words(N_("Enter the amount as a number, for example 12.50."))) from None
    places = minor_units(currency)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(
            Words(
                N_("%(currency)s amounts have at most %(places)s decimals."),
                currency=currency.upper(),
                places=places,
            )
        )
    check_bounds(amount, currency, maximum, allow_zero=allow_zero)
    return quantize(amount, currency)


def check_bounds(amount: Decimal, currency: str, maximum: Decimal, *, allow_zero: bool = False) -> None:
    """Raise ValueError unless smallest (or zero, when allowed) <= amount <= maximum (O7, F3)."""
    lowest = Decimal(0) if allow_zero else smallest_amount(currency)
    if amount < lowest:
        if allow_zero:
            raise ValueError(Words(N_("The amount cannot be negative.")))
        raise ValueError(
            Words(N_("The amount must be at least %(lowest)s."), lowest=Amount(lowest, currency))
        )
    if amount > maximum:
        raise ValueError(
            Words(
                N_("The amount cannot be more than the order total, %(total)s."),
                total=Amount(maximum, currency),
            )
        )

"""SWIFT MT dates and amounts (fields 30, 32A, 32B) into the model's plain forms.

MT writes a date as YYMMDD and an amount with a decimal comma and no thousands separator ("1958,47",
"136480,"). The model keeps ISO dates ("2009-08-28") and amounts with a decimal point and at least two
decimals ("136480.00"), as ISO 20022 writes them, so that both formats show the same. Two-digit years
follow the usual pivot: 80 to 99 are 19xx, 00 to 79 are 20xx.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sanctionwatch.payments.message import MessageError

__all__ = ["Money", "amount_text", "currency_amount", "execution_date", "value_date_amount"]

_DATE = re.compile(r"^(\d{2})(\d{2})(\d{2})$")
_AMOUNT = re.compile(r"^(\d+),(\d*)$")
# Amounts are 15d: at most 15 characters with the comma, which also keeps sums exact in Decimal.
_32A = re.compile(r"^(\d{6})([A-Z]{3})(?=[\d,]{2,15}$)(\d+,\d*)$")
_32B = re.compile(r"^([A-Z]{3})(?=[\d,]{2,15}$)(\d+,\d*)$")


@dataclass(frozen=True, slots=True)
class Money:
    currency: str
    amount: Decimal


def amount_text(amount: Decimal) -> str:
    """1958.47 -> "1958.47", 136480 -> "136480.00": at least two decimals, never fewer than written."""
    exponent = amount.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{amount:.{places}f}"


def _one_line(lines: Sequence[str], name: str, where: str) -> str:
    if len(lines) != 1 or not lines[0].strip():
        raise MessageError("takes exactly one line", source=where, field=name)
    return lines[0].strip()


def _date(text: str, name: str, where: str) -> str:
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        year = int(match.group(1))
        return date(
            year + (1900 if year >= 80 else 2000), int(match.group(2)), int(match.group(3))
        ).isoformat()
    except ValueError:
        raise MessageError(f"not a date YYMMDD: {text!r}", source=where, field=name) from None


def _amount(text: str) -> Decimal:
    match = _AMOUNT.match(text)
    if match is None:  # the callers' patterns only let amounts of this form through
        raise ValueError(text)
    return Decimal(f"{match.group(1)}.{match.group(2)}") if match.group(2) else Decimal(match.group(1))


def value_date_amount(lines: Sequence[str], name: str, where: str) -> tuple[str, Money]:
    """Field 32A: value date, currency, interbank settled amount ("090828EUR1958,47")."""
    text = _one_line(lines, name, where)
    match = _32A.match(text)
    if match is None:
        raise MessageError(f"not a date, currency and amount: {text!r}", source=where, field=name)
    return _date(match.group(1), name, where), Money(match.group(2), _amount(match.group(3)))


def currency_amount(lines: Sequence[str], name: str, where: str) -> Money:
    """Field 32B or 33B: currency and amount ("USD90000,")."""
    text = _one_line(lines, name, where)
    match = _32B.match(text)
    if match is None:
        raise MessageError(f"not a currency and amount: {text!r}", source=where, field=name)
    return Money(match.group(1), _amount(match.group(2)))


def execution_date(lines: Sequence[str], name: str, where: str) -> str:
    """Field 30 of an MT101: the requested execution date (YYMMDD)."""
    return _date(_one_line(lines, name, where), name, where)

"""One comparison key per identifying value (phone, e-mail, website, address, registration, wallet, IMO).

A customer that shares a phone or a wallet with a listed party raises an alert, so two writings of one
value must give one key ("+86 175-2154-6635" and the list's "8617521546635"), and, above all, two
different values must never give one key: an alert on a value that is merely alike is noise an analyst
pays for. Every normalizer here is therefore conservative: it returns the key, or None when the value
cannot be compared safely (too short, malformed, a public web host, an address that is not
street-level). None is not an error: the value is simply not compared. None of them raises on any text.

Two kinds carry a country in their key, "cc:value": an address (where it is) and a registration number
(who issued it), because the same street words or the same number mean another thing in another
country. `split_key` gives the two parts back; `shared_values` compares a value whose country is
unknown with the value alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import phonenumbers

from sanctionwatch.refdata import PUBLIC_HOSTS
from sanctionwatch.sources.countries import Place, place

__all__ = [
    "MAX_TEXT",
    "MIN_UNSCOPED_REGISTRATION",
    "looks_like_wallet",
    "normalize_address",
    "normalize_email",
    "normalize_imo",
    "normalize_phone",
    "normalize_registration",
    "normalize_wallet",
    "normalize_website",
    "split_key",
]

MAX_TEXT = 1000  # longer text is no phone, address or identifier anyone types; not compared

# ---- phone -------------------------------------------------------------------------------------------

_COUNTRY = re.compile(r"[a-z]{2}(?:-[a-z]{3})?")  # FollowTheMoney's codes: "ru", "ua-cri"
_LABEL_PREFIX = re.compile(r"^\s*(?:tel|phone|telephone|mob|mobile|fax)\.?\s*:?\s*", re.IGNORECASE)
_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension|#)\s*\d{1,6}\s*$", re.IGNORECASE)
_PHONE_NOISE = re.compile(r"[\s().\-/]")
MIN_PLUSLESS_DIGITS = 10  # a country code and a national number; fewer digits are a national number


def normalize_phone(text: str, regions: Iterable[str] = ()) -> str | None:
    """E.164 ("+8617521546635"), or None for a number phonenumbers does not hold valid.

    A number written nationally ("8 (800) 100-0-100") is read in the party's countries (ISO alpha-2,
    lower case; the first in which it is a valid number wins). A number with its country code but
    without '+' or '00', as OFAC writes many ("9647734097694"), is read as international when it is no
    valid national number. An extension is not part of the key: a switchboard is one number. Letters
    (a vanity number, words around the number) make it no key: phonenumbers would read words as digits.
    """
    if len(text) > MAX_TEXT:
        return None
    value = _EXTENSION.sub("", _LABEL_PREFIX.sub("", text)).strip()
    if any(c.isalpha() for c in value):
        return None
    if value.startswith("+"):
        return _e164(value, None)
    plain = _PHONE_NOISE.sub("", value)
    codes = dict.fromkeys(r[:2].upper() for r in regions if _COUNTRY.fullmatch(r))
    for region in codes:
        key = _e164(value, region)
        if key is not None:
            return key
    if plain.startswith("00"):
        return _e164("+" + plain[2:], None)
    if plain.isdigit() and len(plain) >= MIN_PLUSLESS_DIGITS:
        return _e164("+" + plain, None)
    return None


def _e164(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---- e-mail and website ------------------------------------------------------------------------------

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_WWW = re.compile(r"^www\d{0,2}\.")
_PORT = re.compile(r":\d{1,5}$")
_LOCAL = re.compile(r"[^\s@<>()\[\]\\,;:\"]+")


def normalize_email(text: str) -> str | None:
    """The address as "local@domain", lower case, or None: one '@', a local part, a dotted domain of valid labels.

    The local part is compared whole (no dropping of dots or "+tags": those rules are one provider's).
    """
    value = text.strip().lower()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    if len(value) > MAX_TEXT or value.count("@") != 1:
        return None
    local, domain = value.split("@")
    host = _host(domain)
    if not local or host is None or not _LOCAL.fullmatch(local) or local[0] == "." or local[-1] == ".":
        return None
    return f"{local}@{host}"


def normalize_website(text: str) -> str | None:
    """The website's domain, lower case, without scheme, "www.", port or path; None for a public host.

    "https://www.Arfada.com/en/" is "arfada.com". A host that many unrelated people use (vk.com,
    t.me, web.archive.org: refdata/public_hosts.tsv) is no key: vk.com/oplot_info and vk.com/shop share
    a host and nothing else.
    """
    value = text.strip().lower()
    if len(value) > MAX_TEXT:
        return None
    value = _SCHEME.sub("", value)
    value = re.split(r"[/?#\\]", value, maxsplit=1)[0]
    if "@" in value:
        return None  # credentials in a URL, or an e-mail address in the website field: not a website
    host = _host(_PORT.sub("", value))
    if host is None:
        return None
    host = _WWW.sub("", host)
    if "." not in host or _public(host):
        return None
    return host


def _host(text: str) -> str | None:
    """A domain name as DNS compares it: lower case, IDNA (punycode) labels, no final dot; or None."""
    value = text.strip().rstrip(".")
    if not value or len(value) > 253:
        return None
    if not value.isascii():
        try:
            value = value.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = value.lower().split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    if not _TLD.fullmatch(labels[-1]):
        return None  # an IP address or a made-up ending
    return ".".join(labels)


@cache
def _public_hosts() -> tuple[frozenset[str], frozenset[str]]:
    """(hosts public themselves only, hosts public with every subdomain), from refdata/public_hosts.tsv."""
    rows = PUBLIC_HOSTS.rows()
    return (
        frozenset(host for host, scope, _ in rows if scope == "host"),
        frozenset(host for host, scope, _ in rows if scope == "subdomains"),
    )


def _public(host: str) -> bool:
    exact, with_subdomains = _public_hosts()
    if host in exact or host in with_subdomains:
        return True
    labels = host.split(".")
    return any(".".join(labels[i:]) in with_subdomains for i in range(1, len(labels) - 1))


# ---- address -----------------------------------------------------------------------------------------

_SEGMENTS = re.compile(r"[,\n\r]+")
_WORD = re.compile(r"[^\W_]+")
_HOUSE_NUMBER = re.compile(r"[^\W\d_]?\d{1,4}[^\W\d_]?")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Words of two characters or more with a letter, besides the house number, before the trailing country and
# known places: "4A Pionerski Bulvar, Kemerovo" is street-level, "P.O. Box 1318, Amman" is not.
MIN_ADDRESS_WORDS = 3
_SCOPED = re.compile(r"([a-z]{2}(?:-[a-z]{3})?):(.+)", re.DOTALL)


def normalize_address(text: str, country: str | None = None) -> str | None:
    """A street-level address as "cc:words" (or "words" when no country is known), or None.

    Case and compatibility forms are folded (casefold, NFKC) and punctuation and spacing collapse to one
    space. Trailing comma-separated parts that name a place FollowTheMoney's country vocabulary knows
    give the country when `country` is not given (the outermost of them); those that name that country
    itself ("Russia", "United Arab Emirates") are taken off, those that name a place within it (a city
    or region: "Moscow", "Dubai", "London"; a territory with a code of its own inside it: "Donetsk" in
    Ukraine) stay, so that "…, Dubai, UAE" and "…, Sharjah, UAE" stay two addresses, and "…, Donetsk,
    Ukraine" and "…, Luhansk, Ukraine". An address is compared only when, before those places, it holds a house number and
    at least three other words (of two letters or more): "Dubai, UAE", "Tverskaya 12, Moscow" or a P.O.
    box locate a thousand parties and identify none. Words are never reordered or dropped inside the
    address, so "12 Lenina 3" and "3 Lenina 12" stay apart.
    """
    if len(text) > MAX_TEXT:
        return None
    segments = [s for s in (_words(part) for part in _SEGMENTS.split(text)) if s]
    found = country  # the address's country: given, else the outermost place's
    within: list[list[str]] = []  # trailing places within that country, kept in the key
    while len(segments) > 1:
        where = _place(" ".join(segments[-1]))
        if where is None:
            break
        found = found or where.country
        last = segments.pop()
        if where.within or where.country != found:
            within.insert(0, last)
    street = [word for segment in segments for word in segment]
    numbers = [w for w in street if _HOUSE_NUMBER.fullmatch(w)]
    lettered = [w for w in street if len(w) > 1 and _HAS_LETTER.search(w) and w not in numbers]
    if not numbers or len(lettered) < MIN_ADDRESS_WORDS:
        return None
    words = street + [word for segment in within for word in segment]
    return _scoped(found, " ".join(words))


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _place(words: str) -> Place | None:
    """The place a trailing address part names ("russian federation", "dubai"), or None."""
    if not words or any(c.isdigit() for c in words):
        return None  # a postal code or a street number is no place
    return place(words)


# ---- registration, wallet, IMO -----------------------------------------------------------------------

_REMARK = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ALNUM = re.compile(r"[^\W_]")
MIN_REGISTRATION = 4  # "123" is a number in any register of any country
# A registration compared without its issuing country (one side does not say it) must be long enough to
# be one register's number by itself: 8 characters and more are a Russian OGRN/INN, an LEI, a Chinese
# unified code; shorter numbers recur across countries' registers.
MIN_UNSCOPED_REGISTRATION = 8


def normalize_registration(text: str, country: str | None = None) -> str | None:
    """A registration number, tax id or LEI as "cc:ALNUM" (or "ALNUM" without an issuing country).

    Letters and digits only, upper case, after a remark in brackets is removed ("754962-2 (Cali)" is
    "7549622"); at least four characters, one of them a digit.
    """
    if len(text) > MAX_TEXT:
        return None
    value = "".join(_ALNUM.findall(_REMARK.sub("", unicodedata.normalize("NFKC", text)))).upper()
    if len(value) < MIN_REGISTRATION or not any(c.isdigit() for c in value):
        return None
    return _scoped(country, value)


_HEX_ADDRESS = re.compile(r"0x[0-9a-f]{40}|[0-9a-f]{64}", re.IGNORECASE)
_BECH32 = re.compile(r"[a-z]{1,20}1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{6,90}")
_CASHADDR = re.compile(r"(?:bitcoincash:)?([qp][qpzry9x8gf2tvdw0s3jn54khce6mua7l]{41})")
_OTHER_WALLET = re.compile(r"[A-Za-z0-9]{25,120}")
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]{26,44}|[1-9A-HJ-NP-Za-km-z]{95}")


def normalize_wallet(text: str) -> str | None:
    """A crypto address: hex forms (0x…) and bech32 / CashAddr forms (bc1…, ltc1…, q…) lower case,
    as their encodings are case-blind; any other (base58: 1…, 3…, T…, Monero) exactly as written,
    since its case is part of it. Spaces anywhere are dropped; 25 characters at least."""
    if len(text) > MAX_TEXT:
        return None
    value = "".join(text.split())
    if _HEX_ADDRESS.fullmatch(value):
        return value.lower()
    if value in (value.lower(), value.upper()):
        lower = value.lower()
        if cash := _CASHADDR.fullmatch(lower):
            return cash.group(1)
        if _BECH32.fullmatch(lower):
            return lower
    return value if _OTHER_WALLET.fullmatch(value) else None


def looks_like_wallet(text: str) -> bool:
    """Whether an identifier of unknown kind has a crypto address's own form: hex, bech32 or CashAddr,
    or base58 with lower and upper case letters and digits (no passport or register number has that)."""
    value = "".join(text.split())
    if len(value) > MAX_TEXT:
        return False
    if _HEX_ADDRESS.fullmatch(value):
        return True
    if value in (value.lower(), value.upper()) and (
        _CASHADDR.fullmatch(value.lower()) or _BECH32.fullmatch(value.lower())
    ):
        return len(value) >= 25
    return bool(
        _BASE58.fullmatch(value)
        and any(c.islower() for c in value)
        and any(c.isupper() for c in value)
        and any(c.isdigit() for c in value)
    )


_IMO = re.compile(r"(?:imo\s*(?:no\.?|number|n°)?\s*[:.#-]?\s*)?(\d{7})", re.IGNORECASE)


def normalize_imo(text: str, *, prefixed: bool = False) -> str | None:
    """The seven digits of an IMO ship number whose check digit holds ("IMO 9123456" or "9123456").

    With `prefixed`, only the written "IMO …" form is read (an identifier of unknown kind: seven
    digits alone are as likely a register number).
    """
    value = text.strip()
    if len(value) > MAX_TEXT:
        return None
    found = _IMO.fullmatch(value)
    if found is None or (prefixed and value[:3].lower() != "imo"):
        return None
    digits = found.group(1)
    check = sum(int(d) * weight for d, weight in zip(digits[:6], range(7, 1, -1), strict=True)) % 10
    return digits if check == int(digits[6]) else None


# ---- keys with a country -----------------------------------------------------------------------------


def _scoped(country: str | None, value: str) -> str:
    if country is not None and _COUNTRY.fullmatch(country):
        return f"{country}:{value}"
    return value


def split_key(key: str) -> tuple[str | None, str]:
    """(country, value) of an address or registration key; (None, key) when it has no country."""
    scoped = _SCOPED.fullmatch(key)
    return (scoped.group(1), scoped.group(2)) if scoped else (None, key)

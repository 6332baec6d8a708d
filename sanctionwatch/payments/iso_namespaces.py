"""Which ISO 20022 messages the parser reads, told apart by the Document's XML namespace.

The namespace is the only trustworthy statement of a message's type and version: element names change
between versions (BIC became BICFI, ReqdExctnDt became a choice of Dt or DtTm), and a business
application header's MsgDefIdr is copied by hand often enough to disagree with the Document it
travels with. So the namespace decides, and only versions whose structure was checked against the
official schemas (or, for .07, against real samples) are read; any other namespace, including a newer
version of a known message, is a MessageError that names it: held for a person, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sanctionwatch.payments.message import MessageError

ISO_NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
# SIX Interbank Clearing's Swiss Payment Standards publish pain.001 under a namespace of their own.
SWISS_NAMESPACE_PREFIX = "http://www.six-interbank-clearing.com/de/"

_ISO_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(?P<id>[a-z]{4}\.\d{3}\.\d{3}\.\d{2})")
_SWISS_NAMESPACE = re.compile(
    r"http://www\.six-interbank-clearing\.com/de/(?P<id>pain\.001\.001\.\d{2})\.(?P<variant>ch\.\d{2})\.xsd"
)


class IsoMessageKind(StrEnum):
    """The messages read, by their ISO identifier without the variant and version."""

    PACS_008 = "pacs.008"  # FIToFICustomerCreditTransfer
    PACS_009 = "pacs.009"  # FinancialInstitutionCreditTransfer, also its COV (cover) form
    PACS_004 = "pacs.004"  # PaymentReturn
    PAIN_001 = "pain.001"  # CustomerCreditTransferInitiation


# The message element under <Document> for each kind.
ROOT_ELEMENT: dict[IsoMessageKind, str] = {
    IsoMessageKind.PACS_008: "FIToFICstmrCdtTrf",
    IsoMessageKind.PACS_009: "FICdtTrf",
    IsoMessageKind.PACS_004: "PmtRtr",
    IsoMessageKind.PAIN_001: "CstmrCdtTrfInitn",
}

# Versions whose element names the reader was checked against: the official XSDs of
# pacs.008 .08-.10/.12/.13, pacs.009 .08-.12, pacs.004 .09/.10/.13/.14, pain.001 .03/.09-.12, and the
# published samples of pacs.008/.009 .07 and pain.001 .08 (plus the Swiss pain.001.001.03.ch.02).
SUPPORTED_VERSIONS: dict[IsoMessageKind, frozenset[str]] = {
    IsoMessageKind.PACS_008: frozenset({"07", "08", "09", "10", "12", "13"}),
    IsoMessageKind.PACS_009: frozenset({"07", "08", "09", "10", "11", "12"}),
    IsoMessageKind.PACS_004: frozenset({"09", "10", "13", "14"}),
    IsoMessageKind.PAIN_001: frozenset({"03", "08", "09", "10", "11", "12"}),
}
SUPPORTED_SWISS_VARIANTS = frozenset({("03", "ch.02")})


@dataclass(frozen=True, slots=True)
class DocumentType:
    """One Document namespace, understood."""

    namespace: str
    kind: IsoMessageKind
    version: str  # "08"
    variant: str | None = None  # "ch.02" for the Swiss pain.001

    @property
    def identifier(self) -> str:
        """`pacs.008.001.08`, or `pain.001.001.03.ch.02` for the Swiss variant: also the XSD's file stem."""
        base = f"{self.kind.value}.001.{self.version}"
        return f"{base}.{self.variant}" if self.variant else base

    @property
    def root_element(self) -> str:
        return ROOT_ELEMENT[self.kind]


def document_type(uri: str | None, *, source: str) -> DocumentType:
    """The type the Document's namespace declares, or a MessageError naming the namespace."""
    if not uri:
        raise MessageError(
            "the Document element has no namespace, so its message type and version are unknown",
            source=source,
            field="Document",
        )
    iso = _ISO_NAMESPACE.fullmatch(uri)
    swiss = _SWISS_NAMESPACE.fullmatch(uri)
    match = iso or swiss
    if match is None:
        raise MessageError(f"unknown Document namespace {uri!r}", source=source, field="Document")
    identifier = match.group("id")
    kind_text, version = identifier[:8], identifier[-2:]
    try:
        kind = IsoMessageKind(kind_text)
    except ValueError:
        known = ", ".join(k.value for k in IsoMessageKind)
        raise MessageError(
            f"message type {identifier} (namespace {uri!r}) is not one this parser reads ({known})",
            source=source,
            field="Document",
        ) from None
    if not identifier.startswith(f"{kind.value}.001."):
        raise MessageError(f"unknown Document namespace {uri!r}", source=source, field="Document")
    variant = swiss.group("variant") if swiss else None
    if variant is not None:
        supported = (version, variant) in SUPPORTED_SWISS_VARIANTS
    else:
        supported = version in SUPPORTED_VERSIONS[kind]
    if not supported:
        known = ", ".join(sorted(SUPPORTED_VERSIONS[kind]))
        raise MessageError(
            f"namespace {uri!r}: this version of {kind.value} is not one the parser was checked against "
            f"(versions read: {known}); its element names may differ, so it is not guessed at",
            source=source,
            field="Document",
        )
    return DocumentType(namespace=uri, kind=kind, version=version, variant=variant)


_SNIFF_BYTES = 64 << 10
_NAMESPACE_BYTES = re.compile(
    rb"urn:iso:std:iso:20022:tech:xsd:|http://www\.six-interbank-clearing\.com/de/pain\.001"
)


def looks_like_iso20022(data: bytes) -> bool:
    """Whether `data` is, by its content, an ISO 20022 XML message (rather than SWIFT MT or other text).

    Decided from the first 64 KiB: after an optional byte-order mark and white space the content must
    start with `<` (an XML declaration, a comment or an element) and an ISO 20022 namespace (or the
    Swiss pain.001 one) must appear. UTF-16 content is looked at decoded. This only routes a file to a
    parser; the parser still decides whether the message is one it can read.
    """
    head = bytes(data[:_SNIFF_BYTES])
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") and _NAMESPACE_BYTES.search(head) is not None

"""Finding the messages in an ISO 20022 file, whatever it is wrapped in.

A message is a `<Document>`, often preceded by its business application header `<AppHdr>` (head.001),
and the pair travels in many wrappers: none (a Document alone, as Fedwire's samples), SWIFT's
`<Envelope xmlns="urn:swift:xsd:envelope">`, the FedNow `<FedNowIncoming>` envelope, prowide's
`<message>`, a SWIFTNet DataPDU's Body. The wrappers carry no payment data, so rather than knowing each
one, the tree is searched for Documents and AppHdrs (not looking inside either), and each Document is
paired with the AppHdr just before it among its siblings.

Nothing is left behind unnoticed: an AppHdr with no Document is an error (its sender and receiver
would otherwise go unscreened), and a wrapper element that holds party-like data is noted.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from sanctionwatch.payments.iso_xml import elements, localname, namespace
from sanctionwatch.payments.message import MessageError

_PARTY_MARKERS = frozenset({"Nm", "FinInstnId", "BICFI", "AnyBIC", "Dbtr", "Cdtr"})


@dataclass(frozen=True, slots=True)
class MessagePart:
    """One message of the file: its Document and the header that came with it, if any."""

    document: etree._Element
    header: etree._Element | None


@dataclass(frozen=True, slots=True)
class Envelope:
    """The messages of a file, in order, and what the wrapper held that is not a message."""

    parts: tuple[MessagePart, ...]
    notes: tuple[str, ...]
    wrapper: str | None  # the wrapper's element name, None for a Document (or AppHdr + Document) alone


def open_envelope(root: etree._Element, source: str) -> Envelope:
    """Every Document of the file with its header; a MessageError when there is none, or a stray header."""
    documents: list[etree._Element] = []
    headers: list[etree._Element] = []
    notes: list[str] = []
    _search(root, documents, headers, notes)
    if not documents:
        uri = namespace(root)
        declared = f" in namespace {uri!r}" if uri else ""
        raise MessageError(
            f"no ISO 20022 <Document> found: the XML's document element is <{localname(root)}>{declared}",
            source=source,
        )
    unpaired = list(headers)
    parts: list[MessagePart] = []
    for document in documents:
        header = _header_before(document, unpaired)
        if header is not None:
            unpaired.remove(header)
        parts.append(MessagePart(document=document, header=header))
    if unpaired:
        line = unpaired[0].sourceline
        raise MessageError(
            f"a business application header (AppHdr, line {line}) with no Document after it",
            source=source,
            field="AppHdr",
        )
    wrapper = None if localname(root) in ("Document", "AppHdr") else localname(root)
    return Envelope(parts=tuple(parts), notes=tuple(notes), wrapper=wrapper)


def _search(
    element: etree._Element, documents: list[etree._Element], headers: list[etree._Element], notes: list[str]
) -> None:
    name = localname(element)
    if name == "Document":
        documents.append(element)
        return
    if name == "AppHdr":
        headers.append(element)
        return
    kids = elements(element)
    marked = sorted({localname(kid) for kid in kids} & _PARTY_MARKERS)
    if marked:
        notes.append(
            f"wrapper element <{name}> (line {element.sourceline}) holds {', '.join(f'<{m}>' for m in marked)} "
            "outside any Document; not read"
        )
    for kid in kids:
        _search(kid, documents, headers, notes)


def _header_before(document: etree._Element, headers: list[etree._Element]) -> etree._Element | None:
    """The nearest AppHdr among the Document's preceding siblings that no other Document has taken."""
    sibling = document.getprevious()
    while sibling is not None:
        if localname(sibling) == "Document":
            return None  # the header before that one belongs to that Document
        if sibling in headers:
            return sibling
        sibling = sibling.getprevious()
    return None

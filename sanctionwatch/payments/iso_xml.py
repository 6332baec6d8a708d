"""Reading an ISO 20022 file's bytes into an XML tree that cannot hurt us, and the small tree helpers.

A payment message arrives from a counterparty, so its XML is untrusted input. lxml is told to resolve
no entity, fetch nothing from the network and load no DTD; on top of that any DOCTYPE is refused,
because with entities left unresolved a name written as `&name;` would silently come out empty: a
party that vanished without a trace is exactly what payment screening must never allow. Without
`huge_tree`, libxml2's own limits (nesting depth, size of one text node) stay in force.

Every failure becomes a MessageError naming the file and the line, so the message is held, not passed.
"""

from __future__ import annotations

from lxml import etree

from sanctionwatch.payments.message import MessageError

_DTD_REFUSED = (
    "the XML declares a DTD (DOCTYPE); ISO 20022 messages never do, and its entities would be left "
    "unread, so the message is refused"
)


def parse_xml(data: bytes, source: str) -> etree._Element:
    """The document element of `data`, or a MessageError saying why the bytes are not usable XML."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MessageError(f"expected bytes, got {type(data).__name__}", source=source)
    parser = safe_parser()
    try:
        root = etree.fromstring(bytes(data), parser)
    except etree.XMLSyntaxError as exc:
        line = f" (line {exc.lineno})" if exc.lineno else ""
        raise MessageError(f"malformed XML{line}: {exc.msg}", source=source) from exc
    except etree.LxmlError as exc:  # parser-level failures that are not syntax errors
        raise MessageError(f"unreadable XML: {exc}", source=source) from exc
    if root is None:
        raise MessageError("no XML document element", source=source)
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise MessageError(_DTD_REFUSED, source=source)
    return root


def safe_parser() -> etree.XMLParser:
    """A fresh parser (lxml parsers are not thread-safe): no entities, no network, no DTD, default limits.

    libxml2 reads a UTF-8 or UTF-16 byte-order mark itself; only a doubled or stray one defeats it.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def localname(element: etree._Element) -> str:
    """`{namespace}Name` -> `Name`; '' for anything that is not an element (comment, entity)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(element: etree._Element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    return tag[1:].split("}", 1)[0]


def elements(element: etree._Element) -> list[etree._Element]:
    """The child elements (comments and processing instructions are removed at parse time; this is the guard)."""
    return [child for child in element if isinstance(child.tag, str)]


def child(element: etree._Element, name: str) -> etree._Element | None:
    for item in element:
        if localname(item) == name:
            return item
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [item for item in element if localname(item) == name]


def text_of(element: etree._Element | None) -> str | None:
    """All text inside an element, whitespace collapsed; None when absent or blank.

    Collapsing matters for names: a name broken over lines in the XML (`ASDF\\n    ASDFSDF`) is one
    name to screening. Text of nested elements is kept rather than dropped (a schema-invalid message
    still shows everything it wrote).
    """
    if element is None:
        return None
    value = " ".join("".join(p for p in element.itertext() if isinstance(p, str)).split())
    return value or None


def child_text(element: etree._Element, *names: str) -> str | None:
    """Text at a path of local names below `element` (`child_text(e, "ClrSysId", "Cd")`)."""
    current: etree._Element | None = element
    for name in names:
        if current is None:
            return None
        current = child(current, name)
    return text_of(current)

"""Streaming XML reading that refuses hostile documents and reports errors with file and line.

Official sanctions lists never carry a DTD, so any DOCTYPE is refused outright: that closes
external-entity (XXE) and entity-expansion ("billion laughs") attacks before a single entity
is read, in addition to lxml's own resolve_entities=False / no_network settings.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.files import open_binary, read_head

_DTD_REFUSED = (
    "document declares a DTD (DOCTYPE); official lists never do, and DTDs enable "
    "entity-expansion and external-entity attacks, so the file is refused"
)


def localname(tag: object) -> str:
    """`{namespace}Name` -> `Name`; comments and processing instructions give ''."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def iter_elements(
    path: Path,
    tags: Iterable[str],
    *,
    root: Iterable[str] | None = None,
) -> Iterator[etree._Element]:
    """Yield each complete element whose local name is in `tags`, then free it.

    The caller must finish with an element before asking for the next one (its subtree is
    cleared afterwards, which keeps memory flat on a 120 MB file). `root` lists the accepted
    local names of the document element; anything else is not the expected list format.
    """
    wanted = set(tags)
    accepted_roots = set(root) if root is not None else None
    _refuse_doctype(path)
    stream = open_binary(path)
    try:
        # Tag filtering happens inside lxml (C), so Python only sees the elements it wants:
        # this halves the time spent on a 120 MB file compared with inspecting every event.
        context = etree.iterparse(
            stream,
            events=("end",),
            tag=[f"{{*}}{name}" for name in sorted(wanted)],
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=True,  # large official files; entity expansion is refused separately (DOCTYPE check)
            remove_comments=True,
            remove_pis=True,
        )
        seen_root = False
        for _event, element in context:
            if not seen_root:
                seen_root = True
                _check_document(path, element.getroottree().getroot(), accepted_roots)
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
        if not seen_root:
            document = context.root
            if document is None:
                raise SourceFormatError(path, "no XML document element found")
            _check_document(path, document, accepted_roots)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise SourceFormatError(path, f"malformed XML: {exc.msg}", line=line) from exc
    except (EOFError, OSError, zlib.error) as exc:
        raise SourceFormatError(path, f"cannot decompress or read: {exc}") from exc
    finally:
        stream.close()


_PROLOG_ITEM = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.S)


def _refuse_doctype(path: Path) -> None:
    """Look at the prolog before lxml parses anything, so a DTD is refused before its entities are read."""
    try:
        head = read_head(path, 1 << 16).lstrip(b"\xef\xbb\xbf")
    except (EOFError, OSError, zlib.error) as exc:
        raise SourceFormatError(path, f"cannot decompress or read: {exc}") from exc
    position = 0
    while match := _PROLOG_ITEM.match(head, position):
        position = match.end()
    rest = head[position:]
    declaration = position + len(rest) - len(rest.lstrip())
    if head[declaration:].upper().startswith(b"<!DOCTYPE"):
        raise SourceFormatError(path, _DTD_REFUSED, line=head[:declaration].count(b"\n") + 1)


def _check_document(path: Path, document: etree._Element, accepted_roots: set[str] | None) -> None:
    """Refuse a DTD, then a document element other than the format's."""
    _check_prolog(path, document)
    name = localname(document.tag)
    if accepted_roots is not None and name not in accepted_roots:
        expected = " or ".join(f"<{r}>" for r in sorted(accepted_roots))
        raise SourceFormatError(
            path,
            f"unexpected document element <{name}>; expected {expected}",
            line=document.sourceline if isinstance(document.sourceline, int) else None,
            element=name,
        )


def _check_prolog(path: Path, element: etree._Element) -> None:
    docinfo = element.getroottree().docinfo
    declared = getattr(docinfo, "doctype", "")  # missing from lxml-stubs, present in lxml
    if declared or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise SourceFormatError(path, _DTD_REFUSED, line=1)


def text(element: etree._Element | None) -> str | None:
    """Stripped text of an element, None when absent or blank."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first direct child with this local name (namespace-agnostic)."""
    for child in element:
        if localname(child.tag) == name:
            return text(child)
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children with this local name (namespace-agnostic)."""
    return [child for child in element if localname(child.tag) == name]

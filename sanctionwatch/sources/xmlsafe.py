"""Streaming XML reading that refuses hostile documents and reports errors with file and line.

Official sanctions lists never carry a DTD, so any DOCTYPE is refused outright: that closes
external-entity (XXE) and entity-expansion ("billion laughs") attacks before a single entity
is read, in addition to lxml's own resolve_entities=False / no_network settings.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.files import open_binary


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
    stream = open_binary(path)
    try:
        context = etree.iterparse(
            stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=True,  # a list can legitimately have >10 MB text nodes-free trees; depth stays bounded
            remove_comments=True,
            remove_pis=True,
        )
        seen_root = False
        for event, element in context:
            if not seen_root:
                seen_root = True
                _check_prolog(path, element)
                name = localname(element.tag)
                if accepted_roots is not None and name not in accepted_roots:
                    expected = " or ".join(f"<{r}>" for r in sorted(accepted_roots))
                    raise SourceFormatError(
                        path,
                        f"unexpected document element <{name}>; expected {expected}",
                        line=element.sourceline,
                        element=name,
                    )
            if event != "end" or localname(element.tag) not in wanted:
                continue
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
        if not seen_root:
            raise SourceFormatError(path, "no XML document element found")
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise SourceFormatError(path, f"malformed XML: {exc.msg}", line=line) from exc
    except (EOFError, OSError, zlib.error) as exc:
        raise SourceFormatError(path, f"cannot decompress or read: {exc}") from exc
    finally:
        stream.close()


def _check_prolog(path: Path, element: etree._Element) -> None:
    docinfo = element.getroottree().docinfo
    declared = getattr(docinfo, "doctype", "")  # missing from lxml-stubs, present in lxml
    if declared or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise SourceFormatError(
            path,
            "document declares a DTD (DOCTYPE); official lists never do, and DTDs enable "
            "entity-expansion and external-entity attacks, so the file is refused",
            line=1,
        )


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

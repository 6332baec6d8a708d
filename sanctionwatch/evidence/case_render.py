"""A case file as HTML (Jinja2, autoescaped) and as PDF (WeasyPrint, A4), with nothing fetched.

The HTML is one self-contained page: its stylesheet is inlined and it names no image, font or link
to load, so that the document reads the same offline, years later, as on the day it was made. The PDF
is rendered from that HTML with a URL fetcher that refuses every scheme and stops the rendering: a
template that came to refer to anything outside itself fails loudly instead of leaving it out or
reaching the network.

Names come in every script the lists use. The stylesheet's font stack is DejaVu Sans (Latin,
Cyrillic, Greek, Arabic, Hebrew, Georgian, Armenian) and Noto Sans CJK (Hangul, Han, Kana), as
Debian's fonts-dejavu-core and fonts-noto-cjk install them (scripts/system-packages.sh); fontconfig
supplies a glyph from another installed font where both lack one.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from sanctionwatch.evidence.case_file import CaseFile

__all__ = ["render_html", "render_pdf"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> Environment:
    # StrictUndefined: a name the template misspells is an error, never an empty cell in evidence.
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["utc"] = _utc
    return environment


def _utc(moment: datetime | None) -> str:
    """A time as the file shows it: UTC to the second, spelled out."""
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def render_html(case: CaseFile) -> str:
    """The case file as one self-contained HTML page (its stylesheet inlined)."""
    style = (TEMPLATES / "case_file.css").read_text(encoding="utf-8")
    return _environment().get_template("case_file.html").render(case=case, style=style)


def render_pdf(html: str) -> bytes:
    """The page as an A4 PDF; any URL in it (image, stylesheet, font) stops the rendering.

    Raises RuntimeError for such a URL: the HTML is the project's own template, so a reference in it
    is a bug to fix, not an input to refuse.
    """
    refuse_all = URLFetcher(allowed_protocols=frozenset(), fail_on_errors=True)
    try:
        rendered: bytes = HTML(string=html, base_url=None, url_fetcher=refuse_all).write_pdf()
    except FatalURLFetchingError as exc:  # (a BaseException: turned into an error callers can see)
        raise RuntimeError(f"the case file refers to a resource, which is never fetched: {exc}") from None
    return rendered

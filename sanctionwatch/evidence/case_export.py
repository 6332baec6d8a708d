"""Exporting a case file: what the CLI, the API and the pages call.

One transaction appends the export's audit record, reads the case and renders its HTML (a template
error rolls the record back); the PDF is rendered from that HTML once the transaction has committed,
so that the audit log's lock is held for milliseconds, not for the second a PDF takes. A PDF
rendering that fails after the commit leaves a record of an export that produced no file, never a
file without a record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from sanctionwatch.evidence.case_file import CaseFile, CaseFileFormat, gather
from sanctionwatch.evidence.case_render import render_html, render_pdf

__all__ = ["MEDIA_TYPES", "ExportedCaseFile", "export_case_file"]

MEDIA_TYPES = {CaseFileFormat.PDF: "application/pdf", CaseFileFormat.HTML: "text/html; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class ExportedCaseFile:
    case: CaseFile
    content: bytes
    media_type: str
    filename: str  # "case-17.pdf": what a download is saved as


def export_case_file(engine: Engine, alert_id: int, *, actor: str, fmt: CaseFileFormat) -> ExportedCaseFile:
    """The case file of an alert in the format asked for, its export on record as `actor`'s.

    Raises CaseFileNotFoundError (404, exit 1) when there is no such alert; nothing is written then.
    """
    with engine.begin() as conn:
        case = gather(conn, alert_id, actor=actor, fmt=fmt)
        html = render_html(case)
    content = html.encode("utf-8") if fmt is CaseFileFormat.HTML else render_pdf(html)
    return ExportedCaseFile(case, content, MEDIA_TYPES[fmt], f"case-{alert_id}.{fmt.value}")

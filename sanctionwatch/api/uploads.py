"""Uploaded files (customers, internal lists, batch jobs): their name and their bytes on disk.

Why one place: every upload needs the same two precautions. The client's file name is kept (it is
recorded with the version or the job, and its extension says the format) but only as a base name, never
a path; and the bytes are copied to disk in blocks, never read whole into memory (the size limit of
`api.limits` bounds them, not the process's memory).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import UploadFile

__all__ = ["save_upload", "spooled_upload", "upload_name"]


def upload_name(upload: UploadFile, default: str) -> str:
    """The upload's file name as a bare name (`../x.csv` -> `x.csv`); `default` when it has none."""
    name = Path(upload.filename or "").name
    return default if name in ("", ".", "..") else name


def save_upload(upload: UploadFile, path: Path) -> None:
    """Copy the upload's bytes to `path`, block by block."""
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out)


@contextmanager
def spooled_upload(
    upload: UploadFile, name: str, *, prefix: str, directory: Path | None = None
) -> Iterator[Path]:
    """The upload written to `name` in a scratch directory (in `directory`, else the system's), removed
    with everything in it on leaving."""
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=directory) as scratch:
        path = Path(scratch) / name
        save_upload(upload, path)
        yield path

"""Getting the official files: from the publisher over HTTPS, or from an internal mirror (air-gapped banks).

Downloads are careful because a bad download must never become the active list: timeouts,
a bounded number of retries with back-off, a size cap, a content-type check (an HTML error or
captive-portal page is not a sanctions list), and conditional requests (ETag / Last-Modified)
so an unchanged list is not fetched again. Files land in the cache atomically.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

from sanctionwatch import __version__
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.sources.catalog import OfficialFile, SourceSpec

__all__ = ["FetchError", "Fetched", "SourceUnreachableError", "fetch_source"]

MAX_BYTES = 1 << 30  # 1 GiB: the largest official list (OFAC advanced XML) is ~130 MB
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
RETRIES = 3
_REFUSED_CONTENT_TYPES = ("text/html",)


class FetchError(SanctionwatchError):
    """A list could not be obtained; nothing was ingested.

    502: another server (the publisher) failed us; the update reports it per source.
    """

    http_status = 502


class SourceUnreachableError(FetchError):
    """The publisher (or mirror) could not be reached at all: no network, DNS failure, refused connection."""

    exit_code = 3  # the CLI's "offline": nothing could be ingested


@dataclass(frozen=True, slots=True)
class Fetched:
    path: Path
    origin: str  # URL or mirror path it came from
    not_modified: bool  # the server said 304: the cached copy is current


def fetch_source(
    spec: SourceSpec, cache: Path, *, mirror: str | None = None, client: httpx.Client | None = None
) -> list[Fetched]:
    """Every official file of a source, from the mirror if given, else from the publisher."""
    if not spec.files:
        raise FetchError(f"{spec.name} has no official download; ingest it with --file")
    results = []
    for official in spec.files:
        if mirror and not _is_url(mirror):
            results.append(_from_mirror_dir(spec.name, official, Path(mirror)))
        else:
            url = (
                urljoin(mirror.rstrip("/") + "/", f"{spec.name}/{official.filename}")
                if mirror
                else official.url
            )
            results.append(download(url, cache / spec.name / official.filename, client=client))
    return results


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _from_mirror_dir(source: str, official: OfficialFile, mirror: Path) -> Fetched:
    path = mirror / source / official.filename
    if not path.is_file():
        raise FetchError(f"mirror {mirror} has no {source}/{official.filename}")
    return Fetched(path, str(path), not_modified=False)


def download(url: str, target: Path, *, client: httpx.Client | None = None) -> Fetched:
    """GET `url` into `target` (conditional on the cached copy's validators), retrying transient failures."""
    own_client = client is None
    http = client or httpx.Client(
        timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": f"sanctionwatch/{__version__}"}
    )
    try:
        last_error: Exception | None = None
        for attempt in range(RETRIES):
            try:
                return _download_once(http, url, target)
            except (httpx.TransportError, _RetryableError) as exc:
                last_error = exc
                if attempt + 1 < RETRIES:
                    time.sleep(min(2**attempt, 8))
        if isinstance(last_error, httpx.ConnectError | httpx.ConnectTimeout):
            raise SourceUnreachableError(f"cannot reach {url}: {last_error}") from last_error
        raise FetchError(f"download of {url} failed after {RETRIES} attempts: {last_error}") from last_error
    finally:
        if own_client:
            http.close()


class _RetryableError(Exception):
    pass


def _download_once(http: httpx.Client, url: str, target: Path) -> Fetched:
    meta_path = target.with_name(target.name + ".meta.json")
    headers: dict[str, str] = {}
    if target.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("url") == url:
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
    with http.stream("GET", url, headers=headers) as response:
        if response.status_code == 304 and target.is_file():
            return Fetched(target, url, not_modified=True)
        if response.status_code >= 500 or response.status_code == 429:
            raise _RetryableError(f"HTTP {response.status_code}")
        if response.status_code != 200:
            raise FetchError(f"{url} answered HTTP {response.status_code}")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in _REFUSED_CONTENT_TYPES:
            raise FetchError(f"{url} returned {content_type}, not a list file (an error or login page?)")
        declared = int(response.headers.get("content-length") or 0)
        if declared > MAX_BYTES:
            raise FetchError(f"{url} is {declared} bytes, over the {MAX_BYTES} byte limit")
        target.parent.mkdir(parents=True, exist_ok=True)
        received = 0
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as tmp:
            try:
                for block in response.iter_bytes(1 << 20):
                    received += len(block)
                    if received > MAX_BYTES:
                        raise FetchError(f"{url} exceeded the {MAX_BYTES} byte limit")
                    tmp.write(block)
            except BaseException:
                tmp.close()
                Path(tmp.name).unlink(missing_ok=True)
                raise
        if declared and received != declared:
            Path(tmp.name).unlink(missing_ok=True)
            raise _RetryableError(f"truncated download: {received} of {declared} bytes")
        if received == 0:
            Path(tmp.name).unlink(missing_ok=True)
            raise FetchError(f"{url} returned an empty body")
        shutil.move(tmp.name, target)
        meta_path.write_text(
            json.dumps(
                {
                    "url": url,
                    "etag": response.headers.get("etag"),
                    "last_modified": response.headers.get("last-modified"),
                }
            )
        )
    return Fetched(target, url, not_modified=False)

"""The one root of every error Sanctionwatch raises on purpose, and what each kind means to a caller.

Every public error class of the package descends from `SanctionwatchError`, whose class attributes say
how the interfaces report it: `http_status` (the API answers `{"detail": message}` with that status, see
`sanctionwatch.api.app`), `exit_code` (the CLI prints one line and exits with it, see
`sanctionwatch.cli.common`) and `cli_label` (the word the CLI's line starts with). The mapping lives
here and in the categories, so a router or a command never translates an error by hand; an error that
means something else to one caller (an unknown key is "not found", a malformed one is "refused") is a
subclass in the right category, not an `except` in a router.

The classes stay in the modules that raise them (their names and modules are part of what code and
tests catch); several also keep a built-in base (ValueError, LookupError, RuntimeError) that callers
catch. This module imports nothing from the project, so any module may import it. The tree (the
categories here, the classes in the modules named; a test walks the package and fails on a public
error class outside it):

    SanctionwatchError                  500 (left to the server: a traceback logged), exit 1
    ├── InputError                      400: the request or file is refused as it stands
    │   ├── access.roles.AccessError                  (ValueError) keys and users
    │   ├── cases.workflow.CaseError                  a case step refused ("refused" in the CLI)
    │   │   ├── cases.workflow.CaseNotFoundError      also NotFoundError: 404
    │   │   ├── cases.workflow.CaseConflictError      also ConflictError: 409
    │   │   └── cases.workflow.NotAllowedError        also ForbiddenError: 403
    │   ├── monitoring.webhooks.WebhookUrlError       (ValueError) a URL that cannot be an endpoint
    │   ├── monitoring.webhooks.PrivateAddressError   (ValueError) a host we must not post to
    │   ├── payments.message.MessageError             a payment message that cannot be read (held)
    │   ├── screening.query.QueryError                (ValueError)
    │   │   └── screening.batchio.RowError            tied to a row of a file
    │   ├── screening.batchio.CellError               (ValueError)
    │   ├── screening.batchio.OutputFormatError       (ValueError)
    │   ├── screening.jobs.JobError                   (ValueError)
    │   ├── screening.search_syntax.SearchSyntaxError a part of /search's `q` we do not support
    │   ├── sources.base.SourceFormatError            (ValueError)
    │   ├── sources.catalog.UnknownSourceError        (ValueError) not a list we know, nor internal:NAME
    │   └── sources.jsonsafe.JsonNestingError         (ValueError)
    ├── NotFoundError                   404
    │   ├── access.roles.AccessNotFoundError          (also AccessError) no such key or user
    │   ├── evidence.case_file.CaseFileNotFoundError  no alert to export a case file of
    │   ├── monitoring.webhooks.UnknownWebhookError   (LookupError)
    │   └── registry.store.RegistryError              unknown version; also duplicate ids, a held version
    ├── ForbiddenError                  403
    ├── ConflictError                   409
    │   └── evidence.signing.SigningKeyError          no signing key where one is configured, or not Ed25519
    ├── UnavailableError                503 with Retry-After: come back later, nothing is wrong
    │   ├── api.limits.BusyError                      every slot of a concurrency limit taken
    │   └── api.state.NotReadyError                   the index is being built
    ├── registry.audit.AuditError       500 (RuntimeError) the log cannot be used as asked
    ├── LoginRequiredError (web.pages)  401; the pages answer it with a redirect to the login page
    └── sources.fetch.FetchError        502: a list could not be obtained
        └── sources.fetch.SourceUnreachableError      exit 3: the publisher could not be reached at all

`RegistryError` keeps one class for what its callers treat alike: over HTTP only lookups of versions
reach a caller (404); the `activate` command exits 2 for it, as the CLI documents for a held version.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ConflictError",
    "ForbiddenError",
    "InputError",
    "NotFoundError",
    "SanctionwatchError",
    "UnavailableError",
]


class SanctionwatchError(Exception):
    """The root: an error the project raises on purpose, with a message meant for the person who sees it.

    Anything raised that is not a SanctionwatchError is a bug or an outage and is reported as such
    (a 500 with the traceback logged; a traceback from the CLI), never dressed up as a refusal.
    """

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    cli_label: ClassVar[str] = "error"

    def headers(self) -> dict[str, str] | None:
        """Extra HTTP headers for the answer (Retry-After for the unavailable kinds)."""
        return None


class InputError(SanctionwatchError):
    """The request, file or value is refused as it stands; the message says what to change."""

    http_status = 400


class NotFoundError(SanctionwatchError):
    """What was asked for does not exist (or is not the caller's to see)."""

    http_status = 404


class ForbiddenError(SanctionwatchError):
    """The caller may not do this: their role, or a rule such as four eyes."""

    http_status = 403


class ConflictError(SanctionwatchError):
    """The thing asked about is not (or no longer) in a state that allows the request."""

    http_status = 409


class UnavailableError(SanctionwatchError):
    """The service cannot answer now but will: the client is told when to try again."""

    http_status = 503
    retry_after: int = 5  # seconds; an instance may say otherwise

    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after)}

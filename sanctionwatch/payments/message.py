"""A payment message as screening sees it: its parties field by field, its free text, where each came from.

Both families of formats (ISO 20022 XML and SWIFT MT) are read into this one shape, so that screening,
the decision and the hold queue never know which format a message came in. Every party and every piece of
free text keeps `field`: the place in the message it was read from, in the format's own terms (an XML path
such as `CdtTrfTxInf[1]/Dbtr` or an MT tag such as `50K` or `B/59F`). A hit always names it, because an
operator releasing a wire must see which line of the message matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sanctionwatch.errors import InputError

__all__ = [
    "AGENT_ROLES",
    "FreeText",
    "MessageError",
    "MessageFamily",
    "PartyIdKind",
    "PartyIdentifier",
    "PartyKind",
    "PartyRole",
    "PaymentMessage",
    "PaymentParty",
    "PostalAddress",
]


class MessageError(InputError):
    """A message that cannot be read as it stands: malformed, of an unknown type, a field that does not parse.

    The text names the message (file and position) and the field. Screening turns it into a hold, never a
    pass: a message nobody could read is a message nobody screened.
    """

    def __init__(self, message: str, *, source: str, field: str | None = None) -> None:
        where = f"{source}, field {field}" if field else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.field = field
        self.reason = message


class MessageFamily(StrEnum):
    ISO20022 = "iso20022"
    SWIFT_MT = "swift-mt"


class PartyRole(StrEnum):
    """What a party does in the payment, in ISO 20022's vocabulary (MT fields map onto it)."""

    DEBTOR = "debtor"  # ordering customer (MT 50a)
    ULTIMATE_DEBTOR = "ultimate_debtor"
    INITIATING_PARTY = "initiating_party"
    CREDITOR = "creditor"  # beneficiary customer (MT 59a)
    ULTIMATE_CREDITOR = "ultimate_creditor"
    DEBTOR_AGENT = "debtor_agent"  # ordering institution (MT 52a)
    CREDITOR_AGENT = "creditor_agent"  # account with institution (MT 57a)
    INTERMEDIARY_AGENT = "intermediary_agent"  # MT 56a
    INSTRUCTING_AGENT = "instructing_agent"  # the sender (MT block 1/2)
    INSTRUCTED_AGENT = "instructed_agent"  # the receiver
    PREVIOUS_INSTRUCTING_AGENT = "previous_instructing_agent"
    SENDERS_CORRESPONDENT = "senders_correspondent"  # MT 53a
    RECEIVERS_CORRESPONDENT = "receivers_correspondent"  # MT 54a
    THIRD_REIMBURSEMENT = "third_reimbursement"  # MT 55a
    OTHER = "other"


AGENT_ROLES = frozenset(
    {
        PartyRole.DEBTOR_AGENT,
        PartyRole.CREDITOR_AGENT,
        PartyRole.INTERMEDIARY_AGENT,
        PartyRole.INSTRUCTING_AGENT,
        PartyRole.INSTRUCTED_AGENT,
        PartyRole.PREVIOUS_INSTRUCTING_AGENT,
        PartyRole.SENDERS_CORRESPONDENT,
        PartyRole.RECEIVERS_CORRESPONDENT,
        PartyRole.THIRD_REIMBURSEMENT,
    }
)


class PartyKind(StrEnum):
    """Who the party is, as far as the format says: it decides which listed schemas a name is compared to."""

    PERSON = "person"  # the format says so (ISO PrvtId, MT 50F with a birth date, ...)
    ORGANIZATION = "organization"  # the format says so (ISO OrgId, an LEI, ...)
    FINANCIAL_INSTITUTION = "financial_institution"  # an agent: a bank
    UNKNOWN = "unknown"  # a name and nothing that says which


class PartyIdKind(StrEnum):
    BIC = "bic"  # decides on its own when listed
    LEI = "lei"
    ACCOUNT = "account"  # IBAN or other account number
    CLEARING = "clearing"  # ABA routing number, sort code, ...
    NATIONAL_ID = "national_id"  # passport, national identity number, tax id, customer number ...
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PartyIdentifier:
    kind: PartyIdKind
    value: str
    scheme: str | None = None  # the format's code for it: "CCPT", "TXID", "USABA", ...
    # Who issued it, as the message writes it: the country of a passport ("RU"), a country and issuer
    # ("FI/KELA"); kept apart from the number so that the number compares as a number.
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class PostalAddress:
    lines: tuple[str, ...] = ()  # unstructured lines (AdrLine, MT address lines)
    street: str | None = None
    town: str | None = None
    region: str | None = None  # CtrySubDvsn: where Crimea, Donetsk or Luhansk is named
    postcode: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 as the message gives it (validated later)

    def text(self) -> str:
        """Every part in one line, for scanning for embargoed regions and for display."""
        parts = [*self.lines, self.street, self.postcode, self.town, self.region, self.country]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class PaymentParty:
    field: str  # where in the message: "CdtTrfTxInf[1]/Dbtr", "50K", "B/50F"
    role: PartyRole
    kind: PartyKind
    name: str | None = None
    address: PostalAddress | None = None
    identifiers: tuple[PartyIdentifier, ...] = ()
    birth_date: str | None = None  # "YYYY-MM-DD" when the format carries one
    birth_place: str | None = None
    country_of_residence: str | None = None  # ISO alpha-2

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES

    def bics(self) -> list[str]:
        return [i.value for i in self.identifiers if i.kind is PartyIdKind.BIC]


@dataclass(frozen=True, slots=True)
class FreeText:
    field: str  # "CdtTrfTxInf[1]/RmtInf/Ustrd[1]", "70", "72", "Purp"
    text: str


@dataclass(frozen=True, slots=True)
class PaymentMessage:
    """One message, read: what screening needs and what the hold queue shows."""

    source: str  # where it was read: "wire.xml", "batch.fin#3"
    family: MessageFamily
    message_type: str  # "pacs.008.001.08", "pacs.009.001.08 COV", "pain.001.001.03", "MT103", "MT202COV"
    reference: str  # the message's own id: GrpHdr/MsgId, or MT field 20
    uetr: str | None = None  # the end-to-end tracking UUID (ISO UETR, MT block 3 tag 121)
    amount: str | None = None  # as the message writes it, e.g. "1000.00"
    currency: str | None = None
    value_date: str | None = None  # "YYYY-MM-DD"
    parties: tuple[PaymentParty, ...] = ()
    free_text: tuple[FreeText, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what the parser saw but did not take (shown, never hidden)

"""Every party and every piece of free text of an ISO 20022 message, found by walking the whole message.

Parties are looked for everywhere rather than at fixed paths, because where they sit differs by
message and version: pacs.004 keeps them in TxInf/RtrChain (and the original transaction's in
OrgnlTxRef), pacs.009 COV in CdtTrfTxInf/UndrlygCstmrCdtTrf, pain.001 in GrpHdr, PmtInf and
CdtTrfTxInf, and pacs.008.001.07 has InstgAgt in GrpHdr. An element is a party by its name
(`ROLE_BY_ELEMENT`); its account (`DbtrAcct` beside `Dbtr`) goes with it.

Field paths are relative to the message element (FIToFICstmrCdtTrf, ...): `CdtTrfTxInf[2]/Dbtr`,
`PmtInf[1]/CdtTrfTxInf[3]/Cdtr`, `CdtTrfTxInf[1]/RmtInf/Ustrd[1]`. Elements the schemas allow to repeat
always carry a 1-based index, so a path means the same in a one-transaction and a batch message.

What is not understood is decided case by case, never dropped in silence:

- an element the walker does not know that looks like a party (it holds Nm, FinInstnId, a BIC, ...) is
  read as a party of role OTHER *and* noted, so it is screened and a person sees that it was guessed;
- a tax party (Tax/Dbtr, TaxRmt/Cdtr, ...) is read as OTHER with its tax and registration numbers;
- an account with no party beside it (ChrgsAcct, SttlmAcct) is a party of role OTHER holding the account;
- unknown children of a party element are noted by the party reader (iso_parties);
- SplmtryData (free-form XML a market practice adds) is noted, not read: it has no agreed structure;
- InitnSrc (the name and version of the software that made a pain.001) is skipped on purpose: it
  names a product, not a party.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from sanctionwatch.payments.iso_parties import read_account, read_party, read_tax_party, with_account
from sanctionwatch.payments.iso_xml import child, elements, localname, text_of
from sanctionwatch.payments.message import FreeText, PartyKind, PartyRole, PaymentParty

ROLE_BY_ELEMENT: dict[str, PartyRole] = {
    "Dbtr": PartyRole.DEBTOR,
    "Cdtr": PartyRole.CREDITOR,
    "UltmtDbtr": PartyRole.ULTIMATE_DEBTOR,
    "UltmtCdtr": PartyRole.ULTIMATE_CREDITOR,
    "InitgPty": PartyRole.INITIATING_PARTY,
    "DbtrAgt": PartyRole.DEBTOR_AGENT,
    "CdtrAgt": PartyRole.CREDITOR_AGENT,
    "IntrmyAgt1": PartyRole.INTERMEDIARY_AGENT,
    "IntrmyAgt2": PartyRole.INTERMEDIARY_AGENT,
    "IntrmyAgt3": PartyRole.INTERMEDIARY_AGENT,
    "InstgAgt": PartyRole.INSTRUCTING_AGENT,
    "InstdAgt": PartyRole.INSTRUCTED_AGENT,
    "PrvsInstgAgt": PartyRole.PREVIOUS_INSTRUCTING_AGENT,  # before version 08
    "PrvsInstgAgt1": PartyRole.PREVIOUS_INSTRUCTING_AGENT,
    "PrvsInstgAgt2": PartyRole.PREVIOUS_INSTRUCTING_AGENT,
    "PrvsInstgAgt3": PartyRole.PREVIOUS_INSTRUCTING_AGENT,
    "InstgRmbrsmntAgt": PartyRole.SENDERS_CORRESPONDENT,  # MT 53a
    "InstdRmbrsmntAgt": PartyRole.RECEIVERS_CORRESPONDENT,  # MT 54a
    "ThrdRmbrsmntAgt": PartyRole.THIRD_REIMBURSEMENT,  # MT 55a
    # pacs.004's original transaction details of a direct debit's mandate
    "OrgnlDbtr": PartyRole.DEBTOR,
    "OrgnlDbtrAgt": PartyRole.DEBTOR_AGENT,
    "OrgnlCdtrAgt": PartyRole.CREDITOR_AGENT,
    "OrgnlCdtrSchmeId": PartyRole.CREDITOR,
    "CdtrSchmeId": PartyRole.CREDITOR,
    # Parties the role vocabulary has no word for: read and screened all the same.
    "Invcr": PartyRole.OTHER,  # invoicer (structured remittance)
    "Invcee": PartyRole.OTHER,
    "Grnshee": PartyRole.OTHER,  # garnishment
    "GrnshmtAdmstr": PartyRole.OTHER,
    "ChqFr": PartyRole.OTHER,  # cheque instruction
    "DlvrTo": PartyRole.OTHER,
    "Authrty": PartyRole.OTHER,  # regulatory reporting authority
    "Orgtr": PartyRole.OTHER,  # originator of a return reason
    "RmtLctnPstlAdr": PartyRole.OTHER,  # where remittance advice is posted
    "FwdgAgt": PartyRole.OTHER,  # forwarding agent (pain.001)
    "ChrgsAcctAgt": PartyRole.OTHER,
    "FXAgt": PartyRole.OTHER,
    "Agt": PartyRole.OTHER,  # ChrgsInf/Agt: a bank that took charges
}
# (parent, element) pairs that are parties although the element name alone is not one.
_PARTIES_IN_CONTEXT: dict[tuple[str, str], PartyRole] = {("RmtLctnDtls", "PstlAdr"): PartyRole.OTHER}
_TAX_PARENTS = frozenset({"Tax", "TaxRmt"})
_TAX_PARTIES = frozenset({"Dbtr", "Cdtr", "UltmtDbtr"})

# Elements whose text is free text to scan (remittance, instructions, reasons, descriptions).
_FREE_TEXT = frozenset(
    {"Ustrd", "AddtlRmtInf", "InstrInf", "AddtlInf", "Inf", "Desc", "MemoFld", "InstrForDbtrAgt"}
)
_FREE_TEXT_IN_CONTEXT = frozenset({("Purp", "Prtry")})

# Element names the ISO schemas allow to repeat: always written with an index in field paths.
INDEXED = frozenset(
    {
        "CdtTrfTxInf", "TxInf", "PmtInf", "Ustrd", "Strd", "AddtlRmtInf", "InstrForCdtrAgt", "InstrForNxtAgt",
        "RgltryRptg", "Dtls", "Inf", "RltdRmtInf", "RmtLctnDtls", "RtrRsnInf", "ChrgsInf", "Rcrd", "LineDtls",
        "RfrdDocInf", "UndrlygAllcn", "AddtlInf", "MemoFld", "Rltd",
    }
)  # fmt: skip

# Marks of a party: an element holding one of these is a party even when its name is unknown here.
_PARTY_MARKERS = frozenset({"Nm", "FinInstnId", "FIId", "Pty", "BICFI", "AnyBIC"})
_NOTED_NOT_READ = frozenset({"SplmtryData"})
_NOT_PARTIES = frozenset({"InitnSrc"})


@dataclass
class Collected:
    """What a walk found, in document order."""

    parties: list[PaymentParty] = field(default_factory=list)
    free_text: list[FreeText] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def walk_message(message: etree._Element) -> Collected:
    """All parties, free text and notes below the message element (FIToFICstmrCdtTrf, ...)."""
    found = Collected()
    _walk(message, "", found)
    return found


def read_header_parties(header: etree._Element, found: Collected) -> None:
    """The business application header's sender (Fr) and receiver (To), and those of related headers.

    Fr and To are the banks (or organisations) that exchange the message: the ISO counterpart of an MT
    message's sender and receiver, so they are screened as instructing and instructed agents.
    """
    for name, role in (("Fr", PartyRole.INSTRUCTING_AGENT), ("To", PartyRole.INSTRUCTED_AGENT)):
        element = child(header, name)
        if element is not None:
            found.parties += read_party(element, f"AppHdr/{name}", role, found.notes)
    for related, segment in path_segments(header):
        if localname(related) != "Rltd":
            continue
        for name in ("Fr", "To"):
            element = child(related, name)
            if element is not None:
                where = f"AppHdr/{segment}/{name}"
                found.parties += read_party(element, where, PartyRole.OTHER, found.notes)


def path_segments(element: etree._Element) -> list[tuple[etree._Element, str]]:
    """Each child element with its path segment: `Dbtr`, `CdtTrfTxInf[2]`, `Ustrd[1]`."""
    kids = elements(element)
    counts = Counter(localname(kid) for kid in kids)
    seen: Counter[str] = Counter()
    segments = []
    for kid in kids:
        name = localname(kid)
        seen[name] += 1
        indexed = name in INDEXED or counts[name] > 1
        segments.append((kid, f"{name}[{seen[name]}]" if indexed else name))
    return segments


def join(path: str, segment: str) -> str:
    return f"{path}/{segment}" if path else segment


def _walk(element: etree._Element, path: str, found: Collected) -> None:
    parent = localname(element)
    segments = path_segments(element)
    by_name = {localname(kid): (kid, segment) for kid, segment in segments}
    for kid, segment in segments:
        name = localname(kid)
        where = join(path, segment)
        if parent in _TAX_PARENTS and name in _TAX_PARTIES:
            found.parties += read_tax_party(kid, where, found.notes)
        elif name in ROLE_BY_ELEMENT or (parent, name) in _PARTIES_IN_CONTEXT:
            role = ROLE_BY_ELEMENT.get(name) or _PARTIES_IN_CONTEXT[(parent, name)]
            parties = read_party(kid, where, role, found.notes)
            account = by_name.get(f"{name}Acct")
            if account is not None:
                identifiers, account_name = read_account(account[0], join(path, account[1]), found.notes)
                parties[:1] = with_account(parties[0], identifiers, account_name, join(path, account[1]))
            found.parties += parties
        elif name.endswith("Acct") and name[:-4] in ROLE_BY_ELEMENT and name[:-4] in by_name:
            continue  # read with its party above
        elif name.endswith("Acct") and child(kid, "Id") is not None:
            identifiers, account_name = read_account(kid, where, found.notes)
            found.parties.append(
                PaymentParty(
                    where, PartyRole.OTHER, PartyKind.UNKNOWN, name=account_name, identifiers=identifiers
                )
            )
        elif _is_free_text(parent, kid):
            text = text_of(kid)
            if text:
                found.free_text.append(FreeText(where, text))
        elif name in _NOTED_NOT_READ:
            found.notes.append(f"{where}: supplementary data is not read (no agreed structure)")
        elif name in _NOT_PARTIES:
            continue
        elif any(localname(grandchild) in _PARTY_MARKERS for grandchild in kid):
            found.notes.append(
                f"{where}: <{name}> is not an element the parser knows; read as a party of role 'other'"
            )
            found.parties += read_party(kid, where, PartyRole.OTHER, found.notes)
        else:
            _walk(kid, where, found)


def _is_free_text(parent: str, element: etree._Element) -> bool:
    name = localname(element)
    if name not in _FREE_TEXT and (parent, name) not in _FREE_TEXT_IN_CONTEXT:
        return False
    return not elements(element)  # a leaf; InstrForDbtrAgt with children is walked into instead

"""Remarks parser and program table: examples from the real files, and properties over any text."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.model import DateValue, IdKind, LinkKind, NameKind, NameQuality
from sanctionwatch.sources.ofac_programs import authorities_for, authority_for, split_programs
from sanctionwatch.sources.ofac_remarks import (
    PROPERTY_RENDER_LABELS,
    RemarkFacts,
    known_labels,
    parse_remarks,
    render,
    split_segments,
)


def structured(facts: RemarkFacts) -> RemarkFacts:
    """The facts without the raw segment text, which rendering rewrites by design."""
    return RemarkFacts(
        birth_dates=facts.birth_dates,
        birth_places=facts.birth_places,
        nationalities=facts.nationalities,
        citizenships=facts.citizenships,
        countries=facts.countries,
        gender=facts.gender,
        names=facts.names,
        identifiers=facts.identifiers,
        links=facts.links,
        properties=facts.properties,
        remarks=facts.remarks,
    )


# --- examples --------------------------------------------------------------------------------


def test_dates_in_every_notation() -> None:
    facts = parse_remarks(
        "DOB 10 Dec 1948; alt. DOB circa 1951; DOB 1950 to 1955; DOB Mar 1945; alt. DOB 1962."
    )
    assert facts.birth_dates == [
        DateValue("1948-12-10"),
        DateValue("1951", approximate=True),
        DateValue("1950", end="1955"),
        DateValue("1945-03"),
        DateValue("1962"),
    ]
    assert facts.remarks == []


def test_person_facts() -> None:
    facts = parse_remarks(
        "POB Moscow, Russia; nationality Korea, North; citizen Mexico; alt. citizen Colombia; "
        "Gender Female; nationality possibly Palestinian."
    )
    assert facts.birth_places == ["Moscow, Russia"]
    assert facts.nationalities == ["kp"]
    assert facts.citizenships == ["mx", "co"]
    assert facts.gender == "female"
    assert facts.remarks == ["nationality possibly Palestinian"]  # not a country: kept


@pytest.mark.parametrize(
    ("segment", "kind", "value", "country", "note", "label"),
    [
        ("Passport A755350 (Saudi Arabia)", IdKind.PASSPORT, "A755350", "sa", None, "Passport"),
        (
            "Passport G025057 issued 23 Jun 1999 expires 05 Feb 2004",
            IdKind.PASSPORT,
            "G025057",
            None,
            "issued 23 Jun 1999 expires 05 Feb 2004",
            "Passport",
        ),
        ("National ID No. 216040 (Yemen)", IdKind.NATIONAL_ID, "216040", "ye", None, "National ID No."),
        ("Cedula No. 6068015 (Colombia)", IdKind.NATIONAL_ID, "6068015", "co", None, "Cedula No."),
        ("Tax ID No. 100036386 (Serbia)", IdKind.TAX_ID, "100036386", "rs", None, "Tax ID No."),
        (
            "Registration Number HRA 738077 (Stuttgart) (Germany)",
            IdKind.REGISTRATION,
            "HRA 738077 (Stuttgart)",
            "de",
            None,
            "Registration Number",
        ),
        (
            "Folio Mercantil No. 343997 (Mexico) issued 14 Dec 2005",
            IdKind.REGISTRATION,
            "343997",
            "mx",
            "issued 14 Dec 2005",
            "Folio Mercantil No.",
        ),
        ("Vessel Registration Identification IMO 7406784", IdKind.IMO, "7406784", None, None, None),
        ("Vessel Registration Identification 8606173", IdKind.IMO, "8606173", None, None, None),
        ("Identification Number IMO 5342883", IdKind.IMO, "5342883", None, None, "Identification Number"),
        (
            "Vessel Registration Identification RS 150443 (Russia)",
            IdKind.REGISTRATION,
            "RS 150443",
            "ru",
            None,
            None,
        ),
        ("MMSI 572469210", IdKind.MMSI, "572469210", None, None, "MMSI"),
        ("Other Vessel Call Sign 5IM713", IdKind.CALL_SIGN, "5IM713", None, None, None),
        ("SWIFT/BIC HAVIGB2L", IdKind.BIC, "HAVIGB2L", None, None, "SWIFT/BIC"),
        (
            "Legal Entity Number 253400V1H6ART1UQ0N98 (Russia)",
            IdKind.LEI,
            "253400V1H6ART1UQ0N98",
            "ru",
            None,
            None,
        ),
        (
            "Aircraft Manufacturer's Serial Number (MSN) 1023409321",
            IdKind.AIRCRAFT_SERIAL,
            "1023409321",
            None,
            None,
            None,
        ),
        ("ISIN KYG7114V1023", IdKind.OTHER, "KYG7114V1023", None, None, "ISIN"),
    ],
)
def test_identifiers(
    segment: str, kind: str, value: str, country: str | None, note: str | None, label: str | None
) -> None:
    facts = parse_remarks(f"alt. {segment}.")
    assert facts.remarks == []
    [identifier] = facts.identifiers
    assert (identifier.kind, identifier.value, identifier.country, identifier.note) == (
        kind,
        value,
        country,
        note,
    )
    if label:
        assert identifier.label == label


def test_crypto_addresses() -> None:
    facts = parse_remarks(
        "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; "
        "alt. Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96."
    )
    assert [(i.kind, i.currency, i.value) for i in facts.identifiers] == [
        (IdKind.CRYPTO, "XBT", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"),
        (IdKind.CRYPTO, "ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"),
    ]


def test_names_links_and_contacts() -> None:
    facts = parse_remarks(
        "a.k.a. 'BNC'; f.k.a. 'ANA I'; n.k.a. 'LGOK'; Linked To: AL QA'IDA; (Linked To: OAO NOVATEK); "
        "Website www.vtb.ru; Email Address a@b.ru; Phone Number 982188526300; Fax: 9221227700019."
    )
    assert [(n.full, n.kind, n.quality) for n in facts.names] == [
        ("BNC", NameKind.ALIAS, NameQuality.WEAK),
        ("ANA I", NameKind.FORMER, NameQuality.WEAK),
        ("LGOK", NameKind.NEW, NameQuality.WEAK),
    ]
    assert [(lk.kind, lk.target) for lk in facts.links] == [
        (LinkKind.ASSOCIATE, "AL QA'IDA"),
        (LinkKind.ASSOCIATE, "OAO NOVATEK"),
    ]
    assert facts.properties == {
        "website": ["www.vtb.ru"],
        "email": ["a@b.ru"],
        "phone": ["982188526300"],
        "fax": ["9221227700019"],
    }


def test_sanctions_information_and_directives() -> None:
    facts = parse_remarks(
        "Additional Sanctions Information - Subject to Secondary Sanctions; "
        "Secondary sanctions risk: section 1(b) of Executive Order 13224, as amended by Executive Order 13886; "
        "Executive Order 13662 Directive Determination - Subject to Directive 1; "
        "Listing Date (EO 14024 Directive 2): 24 Feb 2022; "
        "Organization Established Date 17 Oct 1990; Organization Type: Activities of holding companies; "
        "Target Type Financial Institution; Vessel Flag Tanzania; alt. Former Vessel Flag Malta."
    )
    assert facts.properties == {
        "additionalSanctionsInfo": ["Subject to Secondary Sanctions"],
        "secondarySanctionsRisk": [
            "section 1(b) of Executive Order 13224, as amended by Executive Order 13886"
        ],
        "directiveInfo": [
            "Executive Order 13662 Directive Determination - Subject to Directive 1",
            "Listing Date (EO 14024 Directive 2): 24 Feb 2022",
        ],
        "incorporationDate": ["1990-10-17"],
        "sector": ["Activities of holding companies"],
        "classification": ["Financial Institution"],
        "flag": ["tz"],
        "pastFlags": ["mt"],
    }
    assert facts.remarks == []


def test_free_text_is_kept_verbatim() -> None:
    facts = parse_remarks("Member of the State Duma; DOB someday; all offices worldwide.")
    assert facts.remarks == ["Member of the State Duma", "DOB someday", "all offices worldwide"]
    assert facts.parsed == []


def test_render_writes_ofac_notation() -> None:
    facts = parse_remarks(
        "DOB 10 Dec 1948; Passport A1 (Iran) issued 2000; Linked To: HAMAS; Gender Male; foo."
    )
    assert render(facts) == (
        "DOB 1948-12-10; Gender Male; Passport A1 (ir) issued 2000; Linked To: HAMAS; foo."
    )
    assert render(RemarkFacts()) == ""


def test_render_labels_are_read_back_as_themselves() -> None:
    """A rendered property must not be mistaken for a longer label on re-reading."""
    labels = [label.casefold() for label in known_labels()]
    for label in PROPERTY_RENDER_LABELS.values():
        assert label.casefold() in labels
        longer = [other for other in labels if other.startswith(label.casefold() + " ")]
        assert longer == [], label


# --- properties over any text ----------------------------------------------------------------

_VOCABULARY = [
    "DOB",
    "alt. DOB",
    "circa",
    "to",
    "POB",
    "nationality",
    "citizen",
    "Gender",
    "Male",
    "Passport",
    "National ID No.",
    "Registration Number",
    "Vessel Registration Identification",
    "IMO",
    "MMSI",
    "SWIFT/BIC",
    "Website",
    "Fax:",
    "Fax",
    "No.",
    "a.k.a.",
    "f.k.a.",
    "Linked To:",
    "Digital Currency Address - XBT",
    "Secondary sanctions risk:",
    "Executive Order 14024",
    "Organization Established Date",
    "Vessel Flag",
    "issued",
    "expires",
    "(Iran)",
    "(Korea, North)",
    "(Stuttgart)",
    "Iran",
    "Russia",
    "Korea, North",
    "10 Dec 1948",
    "1962",
    "Mar 1945",
    "1234567",
    "A123",
    "'BNC'",
    "'",
    "(",
    ")",
    ";",
    ".",
    ",",
    ":",
    " ",
]
remark_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(_VOCABULARY) | st.text(max_size=4), max_size=25).map(" ".join),
    st.lists(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=5).map(" ".join), max_size=8).map(
        "; ".join
    ),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(remark_text)
def test_never_raises_and_loses_no_segment(text: str) -> None:
    facts = parse_remarks(text)
    assert Counter(facts.parsed + facts.remarks) == Counter(split_segments(text))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(remark_text)
def test_rendered_facts_parse_back_to_the_same_facts(text: str) -> None:
    first = parse_remarks(text)
    rendered = render(first)
    again = parse_remarks(rendered)
    assert structured(again) == structured(first)
    assert render(again) == rendered


@given(st.text())
def test_split_segments_has_no_empty_or_padded_segment(text: str) -> None:
    for segment in split_segments(text):
        assert segment and segment == segment.strip() and ";" not in segment


# --- program codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("program", "authority"),
    [
        ("RUSSIA-EO14024", "EO 14024"),
        ("BPI-RUSSIA-EO14024", "EO 14024"),
        ("NPWMD", "EO 13382"),
        ("SDGT", "EO 13224"),
        ("DPRK2", "EO 13687"),
        ("DPRK3", "EO 13722"),
        ("DPRK4", "EO 13810"),
        ("DPRK-NKSPEA", "NKSPEA"),
        ("CYBER2", "EO 13757"),
        ("IRAN-EO13846", "EO 13846"),
        ("UKRAINE-EO13662", "EO 13662"),
        ("CMIC-EO13959", "EO 13959"),
        ("GLOMAG", "EO 13818"),
        ("[SDGT]", "EO 13224"),
        ("SYRIA", None),
        ("IRAN", None),
        ("CUBA", None),
        ("DPRK", None),
        ("", None),
    ],
)
def test_program_authorities(program: str, authority: str | None) -> None:
    assert authority_for(program) == authority


def test_split_programs() -> None:
    assert split_programs("UKRAINE-EO13662] [RUSSIA-EO14024") == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert split_programs("SDGT") == ["SDGT"]
    assert split_programs(None) == []
    assert authorities_for(["SDGT", "NS-PLC", "SDGT"]) == ["EO 13224"]


@given(st.text())
def test_program_functions_never_raise(text: str) -> None:
    for program in split_programs(text):
        assert program == program.strip()
        authority_for(program)

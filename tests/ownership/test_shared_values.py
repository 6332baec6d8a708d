"""Values a customer shares with listed parties: the normalizers (on values of the real OFAC list, and as
properties), what is read from a listed party and from a customer, the index and its two flood guards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sanctionwatch.errors import InputError
from sanctionwatch.model import Address, Entity, Identifier, IdKind, Name, Schema
from sanctionwatch.ownership.shared_index import (
    DEFAULT_MAX_PARTIES,
    SharedValueIndex,
    SharedValueScan,
    scan_customers,
)
from sanctionwatch.ownership.shared_normalize import (
    MAX_TEXT,
    MIN_UNSCOPED_REGISTRATION,
    looks_like_wallet,
    normalize_address,
    normalize_email,
    normalize_imo,
    normalize_phone,
    normalize_registration,
    normalize_wallet,
    normalize_website,
    split_key,
)
from sanctionwatch.ownership.shared_values import (
    CUSTOMER_COLUMNS,
    SharedKind,
    SharedValue,
    customer_values,
    listed_values,
)
from sanctionwatch.sources.catalog import parse_files
from sanctionwatch.sources.countries import Place, place
from sanctionwatch.sources.ofac_advanced_xml import parse

# ---- the real list -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdn(shared_data: Path) -> dict[str, Entity]:
    parsed = parse([shared_data / "ofac_sdn_advanced_xml" / "sdn_advanced_2025-11-19.xml.bz2"])
    return {entity.id: entity for entity in parsed.entities}


@pytest.fixture(scope="module")
def sdn_index(sdn: dict[str, Entity], shared_data: Path) -> SharedValueIndex:
    """OFAC's SDN list and the UK's (whose Duma members share one address) together."""
    [uk] = parse_files([shared_data / "uk_ofsi_conlist_xlsx" / "ConList_2025-04-10.xlsx"])
    return SharedValueIndex([*sdn.items(), *((e.id, e) for e in uk.entities)])


def _listed(entity: Entity, kind: SharedKind) -> list[SharedValue]:
    return [v for v in listed_values(entity) if v.kind is kind]


# (party, kind, how the list writes it, how a customer file writes the same value)
REAL = [
    ("ofac-sdn:26697", SharedKind.PHONE, "9647734097694", "+964 773 409 7694"),  # no '+' on the list
    ("ofac-sdn:45349", SharedKind.PHONE, "8613091279601", "0086 130-9127-9601"),
    ("ofac-sdn:26695", SharedKind.EMAIL, "mohand.alrawii@gmail.com", " Mohand.AlRawii@GMAIL.COM "),
    ("ofac-sdn:30204", SharedKind.WEBSITE, "https://www.arfada.com/", "ARFADA.com/contact"),
    ("ofac-sdn:56360", SharedKind.WALLET, "0xc103b7dc095c904b92081eef0c1640081ec01c10", "0xC103B7DC095C904B92081EEF0C1640081EC01C10"),
    ("ofac-sdn:53033", SharedKind.WALLET, "bc1qtrh9z4ls2s2mflyhc5y0mtxt0y30n87c97z4qp", "BC1QTRH9Z4LS2S2MFLYHC5Y0MTXT0Y30N87C97Z4QP"),
    ("ofac-sdn:31811", SharedKind.WALLET, "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C", " 17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C\t"),
    ("ofac-sdn:50583", SharedKind.IMO, "9103817", "IMO 9103817"),
    ("ofac-sdn:34750", SharedKind.REGISTRATION, "1027739059754", "1027739059754"),
    ("ofac-sdn:51979", SharedKind.ADDRESS, "4A Pionerski Bulvar, Kemerovo, 650054, Russia", "4a  PIONERSKI bulvar, Kemerovo 650054, Russian Federation"),
]  # fmt: skip
COLUMN = {
    SharedKind.PHONE: "phone",
    SharedKind.EMAIL: "email",
    SharedKind.WEBSITE: "website",
    SharedKind.WALLET: "wallet",
    SharedKind.IMO: "imo",
    SharedKind.REGISTRATION: "registration",
    SharedKind.ADDRESS: "address",
}


@pytest.mark.parametrize(("party", "kind", "listed", "written"), REAL, ids=[f"{r[1]}-{r[0]}" for r in REAL])
def test_a_customer_writing_a_listed_value_otherwise_matches_that_party(
    sdn: dict[str, Entity],
    sdn_index: SharedValueIndex,
    party: str,
    kind: SharedKind,
    listed: str,
    written: str,
) -> None:
    entity = sdn[party]
    shown = {v.shown for v in _listed(entity, kind)}
    assert listed in shown  # the list writes it so (the parser's reading of the real file)
    values = customer_values({COLUMN[kind]: written}, (), ["ru"] if kind is SharedKind.REGISTRATION else [])
    matches = [m for m in sdn_index.match(values) if m.kind is kind]
    assert len(matches) == 1, matches
    [match] = matches
    assert match.shown == written.strip()
    assert party in {p.party for p in match.parties}
    assert listed in {p.shown for p in match.parties if p.party == party}


def test_every_listed_phone_email_wallet_and_imo_of_the_real_list_matches_when_rewritten(
    sdn: dict[str, Entity], sdn_index: SharedValueIndex
) -> None:
    """Each listed value, written as a bank might (E.164 phones spaced out with '00', e-mails upper
    case, 0x wallets upper case, IMO numbers with their prefix), finds its party."""
    rewritten = 0
    for party, entity in sdn.items():
        for value in listed_values(entity):
            variant = _rewritten(value)
            if variant is None:
                continue
            found = sdn_index.match(customer_values({COLUMN[value.kind]: variant}, (), []))
            assert any(party in {p.party for p in m.parties} for m in found), (party, value, variant)
            rewritten += 1
    assert rewritten > 1000  # the list's phones, e-mails, wallets and IMO numbers (about 3,000 in 2025)


def _rewritten(value: SharedValue) -> str | None:
    if value.kind is SharedKind.PHONE:
        number = phonenumbers.parse(value.key)
        spaced = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return "00" + spaced[1:]
    if value.kind is SharedKind.EMAIL:
        return f"  {value.shown.upper()} "
    if value.kind is SharedKind.WALLET and value.key.startswith("0x"):
        return "0x" + value.key[2:].upper()
    if value.kind is SharedKind.IMO:
        return f"IMO {value.key}"
    return None


def test_the_real_lists_crowded_addresses_are_the_seats_of_governments_not_networks(
    sdn: dict[str, Entity], sdn_index: SharedValueIndex
) -> None:
    """Guard (a) on the real lists: what the default keeps out are the addresses of legislatures and
    governments; the largest network at one address (an Iranian tanker network's office) is matched."""
    crowded = sdn_index.crowded
    assert crowded and all(c.parties > DEFAULT_MAX_PARTIES for c in crowded)
    assert {c.kind for c in crowded} == {SharedKind.ADDRESS}
    duma = next(c for c in crowded if "okhotny ryad" in c.key)
    customer = customer_values({"address": duma.shown.upper()}, (), [])
    assert sdn_index.match(customer) == []
    assert sdn_index.crowded_in(customer) == [duma]
    office = "East Shahid Atefi Street 35, Africa Boulevard, PO Box 19395-4833, Tehran, Iran"
    network = {p for p, e in sdn.items() if any(a.full == office for a in e.addresses)}
    assert len(network) > 20
    [match] = sdn_index.match(customer_values({"address": office.lower().replace(",", " ,")}, (), []))
    assert {p.party for p in match.parties} == network


# ---- the normalizers, one by one ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "regions", "key"),
    [
        ("+7 (423) 2512-126", [], "+74232512126"),
        ("8 (800) 100-0-100", ["ru"], "+78001000100"),  # national, read in the party's country
        ("09-404088077", ["mm"], "+959404088077"),
        ("9647734097694", ["tr", "iq"], "+9647734097694"),  # the country code without '+'
        ("8617521546635", [], "+8617521546635"),
        ("00 86 175 2154 6635", [], "+8617521546635"),
        ("Tel: +7 (423) 2512-126 ext. 12", [], "+74232512126"),  # the extension is the same switchboard
        ("+1 202 555 0100 x 7", [], "+12025550100"),
        ("8 (800) 100-0-100", [], None),  # national, and no country to read it in
        ("123", ["us"], None),
        ("+7 12", [], None),
        ("1-800-FLOWERS", ["us"], None),  # letters: not read as digits
        ("call me", [], None),
        ("", [], None),
    ],
)
def test_phone(text: str, regions: list[str], key: str | None) -> None:
    assert normalize_phone(text, regions) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("info@nitc.co.ir", "info@nitc.co.ir"),
        (" Wakf_oara@Yahoo.COM ", "wakf_oara@yahoo.com"),
        ("mailto:Info@INB.ps", "info@inb.ps"),
        ("user@пример.рф", "user@xn--e1afmkfd.xn--p1ai"),
        ("info@localhost", None),
        ("a@b@c.com", None),
        ("@example.com", None),
        ("info at example dot com", None),
        ("in fo@example.com", None),
        ("info@192.168.0.1", None),
    ],
)
def test_email(text: str, key: str | None) -> None:
    assert normalize_email(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("https://www.arfada.com/", "arfada.com"),
        ("www.pouyacontrol.com", "pouyacontrol.com"),
        ("HTTP://WWW.Kolmar.RU:8080/en/?q=1#top", "kolmar.ru"),
        ("eng.mil.ru/en/index.htm", "eng.mil.ru"),
        ("smokeyschemsite.com", "smokeyschemsite.com"),
        ("oplot.blogspot.com", "oplot.blogspot.com"),  # a user's own subdomain of a hosting platform
        ("http://vk.com/oplot_info", None),  # public hosts: refdata/public_hosts.tsv
        ("https://m.facebook.com/somebody", None),
        ("https://web.archive.org/web/20191031092520/http:/gsk-it.com/", None),
        ("blogspot.com", None),
        ("http://user:pw@example.com", None),
        ("http://10.0.0.1/", None),
        ("localhost", None),
        ("not a website", None),
    ],
)
def test_website(text: str, key: str | None) -> None:
    assert normalize_website(text) == key


@pytest.mark.parametrize(
    ("text", "country", "key"),
    [
        ("4A Pionerski Bulvar, Kemerovo, 650054, Russia", "ru", "ru:4a pionerski bulvar kemerovo 650054"),
        ("4a pionerski bulvar, kemerovo, 650054, Russian Federation", None, "ru:4a pionerski bulvar kemerovo 650054"),
        ("4A Pionerski Bulvar, Kemerovo, 650054", None, "4a pionerski bulvar kemerovo 650054"),
        ("E14 DAFZA, Dubai Airport Freezone, Dubai, United Arab Emirates", None, "ae:e14 dafza dubai airport freezone dubai"),
        ("E14 DAFZA, Dubai Airport Freezone, Dubai", None, "ae:e14 dafza dubai airport freezone dubai"),  # the city's country
        ("14 Spartakovskaya Square, Building 3, Office 245, Moscow, Russia", None, "ru:14 spartakovskaya square building 3 office 245 moscow"),
        ("Ul. Lenina, D. 219A, Sochi, 354364, Russia", None, "ru:ul lenina d 219a sochi 354364"),
        ("Dubai, United Arab Emirates", "ae", None),  # a city: not street-level
        ("Tverskaya 12, Moscow, Russia", None, None),  # one word besides the number
        ("P.O. Box 1318, Amman, Jordan", None, None),
        ("Pionerski Bulvar, Kemerovo, Russia", None, None),  # no house number
        ("", None, None),
    ],
)  # fmt: skip
def test_address(text: str, country: str | None, key: str | None) -> None:
    assert normalize_address(text, country) == key


def test_address_words_keep_their_order() -> None:
    assert normalize_address("12 Lenina Street 3, Sochi") != normalize_address("3 Lenina Street 12, Sochi")


# Listed addresses (OFAC SDN, UK) and the same street in another city or region of the same country. The
# country vocabulary knows both places, and reads each as the country: they were taken off with it, and
# the two gave one key (found by bench.shared_values's near misses).
ANOTHER_CITY = [
    ("Unit 5452, Level 54, Almas Tower, Jumeirah Lakes Towers, Dubai, United Arab Emirates", "Sharjah"),
    ("H.18 BLD.2 APP.390 Kantemirovskaya Street, Moscow, Russia", "Rostov Na Donu"),
    ("55 Roebuck House, Palace Street, London, United Kingdom", "Merseyside"),
    (
        "Business Cluster Building 3, Sixth Floor, BCB3 618, Dubai CommerCity, Dubai, United Arab Emirates",
        "Ajman",
    ),
    ("Ul. Sveaborgskaya D. 12, Lit. A, Pom.54-N, Office #1, Saint Petersburg, Russia", "Moscow"),
]


@pytest.mark.parametrize(("listed", "city"), ANOTHER_CITY)
def test_the_same_street_in_another_city_of_the_country_is_another_address(listed: str, city: str) -> None:
    street, old, country = listed.rsplit(", ", 2)
    elsewhere = f"{street}, {city}, {country}"
    assert normalize_address(listed) is not None
    assert normalize_address(elsewhere) is not None
    assert normalize_address(listed) != normalize_address(elsewhere)
    party = _party("1", addresses=[Address(full=listed)])
    assert _parties(_index(party), {"address": elsewhere}, []) == set()
    assert _parties(_index(party), {"address": f"{street}, {city}"}, []) == set()
    # ... while the listed address is found written with its country otherwise, or without it
    assert _parties(_index(party), {"address": f"{street}, {old.upper()}"}, []) == {"ofac-sdn:1"}
    assert _parties(_index(party), {"address": f"{street.lower()}, {old}, {country.upper()}"}, []) == {
        "ofac-sdn:1"
    }


def test_a_territory_with_a_code_of_its_own_stays_in_an_address_of_another_country() -> None:
    """Donetsk and Luhansk are ua-dpr and ua-lpr in the country vocabulary: in a Ukrainian address they
    are places, kept, not a second country taken off."""
    donetsk = normalize_address("Ulitsa Artema 97, Office 5, Donetsk, Ukraine")
    assert donetsk == "ua:ulitsa artema 97 office 5 donetsk"
    assert normalize_address("Ulitsa Artema 97, Office 5, Luhansk, Ukraine") != donetsk
    assert (
        normalize_address("Ulitsa Artema 97, Office 5, Donetsk", "ua") == donetsk
    )  # the list's country field


@pytest.mark.parametrize(
    ("text", "country", "within"),
    [
        ("Russia", "ru", False),
        ("Russian Federation", "ru", False),
        ("UAE", "ae", False),
        ("Hong Kong", "hk", False),
        ("Moscow", "ru", True),  # a territory below the country (ru-mow)
        ("Dubai", "ae", True),
        ("London", "gb", True),
        ("Tehran", "ir", True),  # one of the places rigour names for the country
        ("Kowloon City", "hk", True),
    ],
)
def test_a_place_is_the_country_itself_or_within_it(text: str, country: str, within: bool) -> None:
    assert place(text) == Place(country, within)


@pytest.mark.parametrize(
    ("text", "country", "key"),
    [
        ("1027739059754", "ru", "ru:1027739059754"),
        ("DMCC-4189", "ae", "ae:DMCC4189"),
        ("754962-2 (Cali)", None, "7549622"),
        ("253400v1h6art1uq0n98", None, "253400V1H6ART1UQ0N98"),
        ("１０２７７３９０５９７５４", None, "1027739059754"),  # full-width digits
        ("123", "ru", None),
        ("ABCDEF", None, None),
        ("1027739059754", "not-a-country", "1027739059754"),
    ],
)
def test_registration(text: str, country: str | None, key: str | None) -> None:
    assert normalize_registration(text, country) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("0xC103b7dc095c904B92081eef0c1640081ec01c10", "0xc103b7dc095c904b92081eef0c1640081ec01c10"),
        ("BC1QTRH9Z4LS2S2MFLYHC5Y0MTXT0Y30N87C97Z4QP", "bc1qtrh9z4ls2s2mflyhc5y0mtxt0y30n87c97z4qp"),
        (
            "bitcoincash:qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq",
            "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq",
        ),
        ("QPF2CPHC5DKUCLKQUR7LHJ2YUQQ9PK3HMUKLE77VHQ", "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq"),
        (" 17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C ", "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"),
        ("TAYhjpL8pPs8T84FSM329nffQpc6jD8GBM", "TAYhjpL8pPs8T84FSM329nffQpc6jD8GBM"),
        (
            "17A5BPKVEP1J1TRS4QTBCNZRBY53JBAS9C",
            "17A5BPKVEP1J1TRS4QTBCNZRBY53JBAS9C",
        ),  # base58: another address
        ("0x12", None),
        ("not a wallet at all!", None),
    ],
)
def test_wallet(text: str, key: str | None) -> None:
    assert normalize_wallet(text) == key


def test_base58_case_is_part_of_the_address() -> None:
    assert normalize_wallet("17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C") != normalize_wallet(
        "17A5BPKVEP1J1TRS4QTBCNZRBY53JBAS9C"
    )


@pytest.mark.parametrize(
    ("text", "wallet"),
    [
        ("17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C", True),
        ("0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c", True),
        ("bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23", True),
        ("1027739059754", False),
        ("AB1234567", False),  # a passport number
        ("MDA00000008112015RUSGOVERNMENT", False),
    ],
)
def test_an_identifier_of_no_stated_kind_is_a_wallet_only_by_a_wallets_form(text: str, wallet: bool) -> None:
    assert looks_like_wallet(text) is wallet


@pytest.mark.parametrize(
    ("text", "prefixed", "key"),
    [
        ("9103817", False, "9103817"),
        ("IMO 9103817", False, "9103817"),
        ("imo no. 9103817", False, "9103817"),
        ("IMO9103817", True, "9103817"),
        ("9103817", True, None),  # seven digits alone, of no stated kind: maybe a register number
        ("9103818", False, None),  # the check digit does not hold
        ("91038170", False, None),
        ("IMO 123", False, None),
    ],
)
def test_imo(text: str, prefixed: bool, key: str | None) -> None:
    assert normalize_imo(text, prefixed=prefixed) == key


# ---- properties --------------------------------------------------------------------------------------

ADDRESSES = [
    "4A Pionerski Bulvar, Kemerovo, 650054, Russia",
    "Building 8, No. 1098, Chuansha Road, Pudong New District, Shanghai, China",
    "Office 301, Tower 1 Al Fattan Currency House, Dubai International Financial Centre, Dubai, United Arab Emirates",
    "Inonu Mah 4137 sok. No 12/12, Menemen, Izmir, Turkey",
    "9 Rabochaya Street, Velikiy Novgorod, 173008, Russia",
]


def _phone(text: str) -> str | None:
    return normalize_phone(text, ["ru", "us"])


def _address_again(key: str) -> str | None:
    country, bare = split_key(key)
    return normalize_address(bare, country)


def _registration_again(key: str) -> str | None:
    country, bare = split_key(key)
    return normalize_registration(bare, country)


# Each normalizer, and how its key is read again (an address's or registration's with its country).
NORMALIZERS: list[tuple[Callable[[str], str | None], Callable[[str], str | None]]] = [
    (_phone, _phone),
    (normalize_email, normalize_email),
    (normalize_website, normalize_website),
    (normalize_address, _address_again),
    (normalize_registration, _registration_again),
    (normalize_wallet, normalize_wallet),
    (normalize_imo, normalize_imo),
]
_TEXT = st.one_of(
    st.text(max_size=200),
    # text of the characters these values are made of, so that keys come out often
    st.text(alphabet=st.sampled_from(list("0123456789abcxyzABCX +-()@.:/,;|wW\t\nимо١２")), max_size=60),
    st.sampled_from(ADDRESSES),
)


@given(_TEXT, st.integers(0, len(NORMALIZERS) - 1))
def test_no_normalizer_raises_on_any_text_and_each_is_idempotent_on_its_keys(text: str, which: int) -> None:
    normalize, again = NORMALIZERS[which]
    key = normalize(text)
    if key is not None:
        assert again(key) == key


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=MAX_TEXT + 1, max_size=MAX_TEXT + 200))
def test_long_text_is_no_key(text: str) -> None:
    assert all(normalize(text) is None for normalize, _ in NORMALIZERS)


_REGIONS = sorted(r for r in phonenumbers.SUPPORTED_REGIONS if phonenumbers.example_number(r) is not None)


@given(st.sampled_from(_REGIONS), st.sampled_from(["e164", "international", "national", "00"]))
def test_a_phone_number_in_any_format_gives_its_e164_key(region: str, style: str) -> None:
    number = phonenumbers.example_number(region)
    assert number is not None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    text = {
        "e164": e164,
        "international": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        "national": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        "00": "00 " + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)[1:],
    }[style]
    assert normalize_phone(text, [region.lower()]) == e164
    assert normalize_phone(e164) == e164


_LABEL = st.from_regex(r"[a-z][a-z0-9-]{0,12}[a-z0-9]", fullmatch=True)
_DOMAIN = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_LABEL, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)
_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", fullmatch=True)
_SPACE = st.sampled_from(["", " ", "  ", "\t", " \n"])
_CASE = st.sampled_from([str.upper, str.lower, str.title, str.swapcase])  # fmt: skip


@given(_LOCAL, _DOMAIN, _CASE, _SPACE, _SPACE)
def test_an_email_in_any_case_and_spacing_gives_one_key(
    local: str, domain: str, case: Callable[[str], str], before: str, after: str
) -> None:
    key = normalize_email(f"{local}@{domain}")
    assert key == f"{local}@{domain}"
    assert normalize_email(f"{before}{case(local + '@' + domain)}{after}") == key


@given(
    _DOMAIN,
    _CASE,
    st.sampled_from(["", "http://", "https://", "HTTPS://"]),
    st.sampled_from(["", "www.", "WWW."]),
    st.sampled_from(["", "/", "/en/index.html", ":8080/x?y=1"]),
)
def test_a_website_in_any_form_gives_its_domain(
    domain: str, case: Callable[[str], str], scheme: str, www: str, path: str
) -> None:
    key = normalize_website(domain)
    assume(key is not None)  # a public host is no key
    assert normalize_website(f" {scheme}{www}{case(domain)}{path} ") == key


@given(
    st.sampled_from(ADDRESSES),
    _CASE,
    st.sampled_from([" ", "  ", " \t "]),
    st.sampled_from([",", " ,", ",  "]),
)
def test_an_address_in_any_case_spacing_and_punctuation_gives_one_key(
    text: str, case: Callable[[str], str], space: str, comma: str
) -> None:
    key = normalize_address(text)
    assert key is not None
    variant = case(text).replace(" ", space).replace(",", comma).replace(".", ". ")
    assert normalize_address(variant) == key
    country, bare = split_key(key)
    assert normalize_address(bare, country) == key


@given(st.from_regex(r"[A-Z0-9]{3,20}[0-9]", fullmatch=True), st.sampled_from([None, "ru", "ae"]), st.data())
def test_a_registration_number_in_any_case_and_spacing_gives_one_key(
    value: str, country: str | None, data: st.DataObject
) -> None:
    key = normalize_registration(value, country)
    assert key is not None
    separated = "".join(c + data.draw(st.sampled_from(["", " ", "-", "/", "."])) for c in value)
    assert normalize_registration(f" {separated.lower()} ", country) == key
    assert normalize_registration(split_key(key)[1], country) == key


@given(st.from_regex(r"[0-9a-f]{40}", fullmatch=True), _CASE, _SPACE)
def test_a_hex_wallet_in_any_case_gives_one_key(digits: str, case: Callable[[str], str], space: str) -> None:
    assert normalize_wallet(f"{space}0x{case(digits)}{space}") == f"0x{digits}"


@given(st.from_regex(r"[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{39}", fullmatch=True), st.booleans())
def test_a_bech32_wallet_in_either_case_gives_one_key(data: str, upper: bool) -> None:
    address = f"bc1{data}"
    assert normalize_wallet(address.upper() if upper else address) == address


@given(st.from_regex(r"[0-9]{6}", fullmatch=True), st.sampled_from(["", "IMO ", "imo", "IMO: ", "IMO No. "]))
def test_an_imo_number_is_read_by_its_check_digit(digits: str, prefix: str) -> None:
    check = sum(int(d) * (7 - i) for i, d in enumerate(digits)) % 10
    valid = f"{digits}{check}"
    assert normalize_imo(f" {prefix}{valid} ") == valid
    assert normalize_imo(f"{prefix}{digits}{(check + 1) % 10}") is None


# ---- what a listed party and a customer hold ---------------------------------------------------------


def _party(source_id: str, **fields: object) -> Entity:
    entity = Entity(
        source="ofac-sdn", source_id=source_id, schema=Schema.COMPANY, names=[Name(f"Party {source_id}")]
    )
    for name, value in fields.items():
        setattr(entity, name, value)
    return entity


def test_listed_values_read_properties_addresses_and_identifiers() -> None:
    entity = _party(
        "1",
        countries=["ru"],
        properties={"phone": ["8 (800) 100-0-100"], "email": ["Info@Example.ru"], "website": ["vk.com/x", "www.example.ru"], "flag": ["ru"]},
        addresses=[Address(street="4A Pionerski Bulvar", city="Kemerovo", postal_code="650054", country="ru"), Address(city="Moscow", country="ru")],
        identifiers=[
            Identifier(IdKind.TAX_ID, "7728795443", country="ru"),
            Identifier(IdKind.LEI, "253400V1H6ART1UQ0N98", country="ru"),
            Identifier(IdKind.CRYPTO, "0xC103b7dc095c904B92081eef0c1640081ec01c10", currency="ETH"),
            Identifier(IdKind.IMO, "9103817"),
            Identifier(IdKind.PASSPORT, "AB1234567", country="ru"),
        ],
    )  # fmt: skip
    assert {(v.kind, v.key) for v in listed_values(entity)} == {
        (SharedKind.PHONE, "+78001000100"),  # read in the party's country
        (SharedKind.EMAIL, "info@example.ru"),
        (SharedKind.WEBSITE, "example.ru"),  # vk.com is a public host
        (SharedKind.ADDRESS, "ru:4a pionerski bulvar 650054 kemerovo"),  # the city alone is no address
        (SharedKind.REGISTRATION, "ru:7728795443"),
        (SharedKind.REGISTRATION, "253400V1H6ART1UQ0N98"),  # an LEI is global
        (SharedKind.WALLET, "0xc103b7dc095c904b92081eef0c1640081ec01c10"),
        (SharedKind.IMO, "9103817"),
    }  # a passport is no shared value: screening compares it


def test_customer_values_read_the_named_columns_only_and_split_cells() -> None:
    values = customer_values(
        {
            "phones": "+7 423 251 2126; +7 (499) 398-0770 | 8 (800) 100-0-100",
            "e-mail": "Info@Example.ru",
            "url": "https://www.example.ru",
            "tax_id": "77-287-954-43",
            "lei": "253400V1H6ART1UQ0N98",
            "crypto": "0xC103b7dc095c904B92081eef0c1640081ec01c10",
            "imo": "IMO 9103817",
            "tel_no": "+7 423 251 2127",  # spelled otherwise: an attribute, not a phone
            "mail": "other@example.ru",
            "segment": "corporate",
        },
        ["AB1234567", "IMO 9233753", "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"],
        ["ru"],
    )
    assert {(v.kind, v.key) for v in values} == {
        (SharedKind.PHONE, "+74232512126"),
        (SharedKind.PHONE, "+74993980770"),
        (SharedKind.PHONE, "+78001000100"),
        (SharedKind.EMAIL, "info@example.ru"),
        (SharedKind.WEBSITE, "example.ru"),
        (SharedKind.REGISTRATION, "ru:7728795443"),  # the customer's one country issued it
        (SharedKind.REGISTRATION, "253400V1H6ART1UQ0N98"),
        (SharedKind.WALLET, "0xc103b7dc095c904b92081eef0c1640081ec01c10"),
        (SharedKind.IMO, "9103817"),
        (SharedKind.REGISTRATION, "ru:AB1234567"),  # identifiers: a number,
        (SharedKind.IMO, "9233753"),  # an IMO number written so,
        (SharedKind.WALLET, "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"),  # a wallet by its form
    }
    assert "tel_no" not in CUSTOMER_COLUMNS and "mail" not in CUSTOMER_COLUMNS


def test_a_customer_of_several_countries_has_no_issuer_for_its_numbers() -> None:
    [value] = customer_values({"registration": "7728795443"}, (), ["ru", "cy"])
    assert value.key == "7728795443" and value.country is None


# ---- the index: countries, and guard (a) -------------------------------------------------------------


def _index(*entities: Entity, max_parties: int = DEFAULT_MAX_PARTIES) -> SharedValueIndex:
    return SharedValueIndex(((e.id, e) for e in entities), max_parties=max_parties)


def test_a_registration_compares_across_a_missing_country_only_when_long_enough() -> None:
    long = _party("1", identifiers=[Identifier(IdKind.REGISTRATION, "1027739059754", country="ru")])
    short = _party("2", identifiers=[Identifier(IdKind.REGISTRATION, "109167", country="ir")])
    index = _index(long, short)
    assert len("109167") < MIN_UNSCOPED_REGISTRATION <= len("1027739059754")
    assert _parties(index, {"registration": "1027739059754"}, []) == {"ofac-sdn:1"}
    assert _parties(index, {"registration": "1027739059754"}, ["ru"]) == {"ofac-sdn:1"}
    assert _parties(index, {"registration": "1027739059754"}, ["kz"]) == set()  # another register
    assert _parties(index, {"registration": "109167"}, ["ir"]) == {"ofac-sdn:2"}
    assert _parties(index, {"registration": "109167"}, []) == set()  # too short to stand alone


def test_an_address_without_country_matches_the_listed_one_with_it() -> None:
    party = _party("1", addresses=[Address(full="4A Pionerski Bulvar, Kemerovo, 650054", country="ru")])
    index = _index(party)
    assert _parties(index, {"address": "4a Pionerski Bulvar, Kemerovo, 650054"}, []) == {"ofac-sdn:1"}
    assert _parties(index, {"address": "4a Pionerski Bulvar, Kemerovo, 650054, Russia"}, []) == {"ofac-sdn:1"}
    assert _parties(index, {"address": "4a Pionerski Bulvar, Kemerovo, 650054, Kazakhstan"}, []) == set()


def _parties(index: SharedValueIndex, attributes: dict[str, str], countries: list[str]) -> set[str]:
    return {p.party for m in index.match(customer_values(attributes, (), countries)) for p in m.parties}


AGENT = "Diagoras House, 7th Floor, 16 Panteli Katelari Street, Nicosia, 1097, Cyprus"


def test_a_value_more_parties_hold_than_the_limit_is_crowded_not_matched() -> None:
    holders = [_party(str(n), addresses=[Address(full=AGENT, country="cy")]) for n in range(4)]
    crowded = _index(*holders, max_parties=3)
    customer = customer_values(
        {"address": "Diagoras House, 7th floor, 16 Panteli Katelari Street, Nicosia 1097, Cyprus"}, (), []
    )
    assert crowded.match(customer) == []
    [value] = crowded.crowded
    assert (value.kind, value.parties, value.shown) == (SharedKind.ADDRESS, 4, AGENT)
    assert crowded.crowded_in(customer) == [value]
    held = _index(*holders[:3], max_parties=3)
    assert held.crowded == ()
    [match] = held.match(customer)
    assert [p.party for p in match.parties] == ["ofac-sdn:0", "ofac-sdn:1", "ofac-sdn:2"]


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_refused_by_name(limit: int) -> None:
    with pytest.raises(InputError, match="max_parties: must be 1 or more"):
        _index(max_parties=limit)
    with pytest.raises(InputError, match="max_customers: must be 1 or more"):
        SharedValueScan(_index(), max_customers=limit)


# ---- the scan: guard (b) -----------------------------------------------------------------------------


def test_a_listed_value_many_customers_match_is_withheld_and_reported_with_its_count() -> None:
    switchboard = _party(
        "1",
        properties={"phone": ["+7 (495) 696-88-00"]},
        identifiers=[Identifier(IdKind.CRYPTO, "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C")],
    )
    other = _party("2", properties={"email": ["wang1126250742@163.com"]})
    index = _index(switchboard, other)
    customers = [(f"c{n}", customer_values({"phone": "8 495 696 88 00"}, (), ["ru"])) for n in range(5)]
    customers.append(
        (
            "both",
            customer_values(
                {"phone": "+74956968800", "wallet": "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"}, (), []
            ),
        )
    )
    customers.append(("mail", customer_values({"email": "WANG1126250742@163.COM"}, (), [])))
    customers.append(("none", customer_values({"email": "someone@163.com"}, (), [])))
    result = scan_customers(index, customers, max_customers=4)
    assert result.customers == 8
    [common] = result.common
    assert (common.kind, common.key, common.customers, common.parties) == (
        SharedKind.PHONE,
        "+74956968800",
        6,
        ("ofac-sdn:1",),
    )
    assert result.withheld == 5  # the five that only share the switchboard
    alerted = {a.customer: a for a in result.alerts}
    assert set(alerted) == {"both", "mail"}
    assert [m.kind for m in alerted["both"].matches] == [
        SharedKind.WALLET
    ]  # the phone withheld, the wallet kept
    assert alerted["mail"].matches[0].shown == "WANG1126250742@163.COM"
    assert (result.max_customers, result.max_parties) == (4, DEFAULT_MAX_PARTIES)
    kept = scan_customers(index, customers, max_customers=6)
    assert kept.common == () and len(kept.alerts) == 7


def test_crowded_values_held_by_customers_are_counted_in_the_scan() -> None:
    holders = [_party(str(n), addresses=[Address(full=AGENT, country="cy")]) for n in range(3)]
    scan = SharedValueScan(_index(*holders, max_parties=2))
    for n in range(3):
        assert scan.add(f"c{n}", customer_values({"address": AGENT}, (), [])) == 0
    result = scan.result()
    assert result.alerts == () and result.common == ()
    [held] = result.crowded
    assert (held.value.parties, held.customers) == (3, 3)


def test_a_customer_with_matches_scanned_twice_is_refused() -> None:
    scan = SharedValueScan(_index(_party("1", identifiers=[Identifier(IdKind.IMO, "9103817")])))
    assert scan.add("c1", customer_values({"imo": "9103817"}, (), [])) == 1
    with pytest.raises(InputError, match="'c1': scanned twice"):
        scan.add("c1", customer_values({"imo": "IMO 9103817"}, (), []))

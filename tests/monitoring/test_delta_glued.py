"""Delta screening finds customers whose name is a newly listed party's words written together
('alexandervyacheslavovichzakharov'), as a full screen does (MatchIndex.split_glued), and only those:
a word that merely holds a listed word ('Scotto' holds OTTO) or resembles one ('Maplex') is no candidate."""

from __future__ import annotations

from sqlalchemy import Engine

from sanctionwatch.model import Entity, Name
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor
from sanctionwatch.screening.screener import Screener

ZAKHAROV = Entity(
    "test",
    "1",
    "Person",
    names=[Name("Alexander Vyacheslavovich ZAKHAROV"), Name("ZAKHAROV, Aleksandr Vyacheslavovich")],
)
OTTO = Entity("test", "10", "Person", names=[Name("OTTO, Hans")])
MAPLES = Entity("test", "11", "Person", names=[Name("MAPLES, John Robert")])
ROMTRANS = Entity("test", "12", "Organization", names=[Name("SC ROMTRANS")])  # a listed 'sc'
OLD = [Entity("test", "20", "Person", names=[Name("PUTIN, Vladimir Vladimirovich")])]
VERSIONS = {"test": 1}

GLUED = Customer("z-glued", "Person", ("alexandervyacheslavovichzakharov",))
FAMILY_FIRST = Customer("z-family", "Person", ("ZAKHAROVALEXANDERVYACHESLAVOVICH",))
PART_GLUED = Customer("z-part", "Person", ("Alexandervyacheslavovich Zakharov",))
HANS_OTTO = Customer("o-glued", "Person", ("Ottohans",))
NOT_LISTED = [
    Customer("n-scotto", "Person", ("Scotto",)),
    Customer("n-maplex", "Person", ("Maplex",)),
    Customer("n-scotto-hans", "Person", ("Scottohans",)),
    Customer("n-other", "Person", ("Mariaschmidt",)),
]


def test_a_name_written_without_spaces_imported_before_the_listing_is_alerted_by_the_delta(
    empty_engine: Engine,
) -> None:
    customers = [GLUED, FAMILY_FIRST, PART_GLUED, *NOT_LISTED]
    Customers(empty_engine).upsert(customers)
    before = Monitor(empty_engine, Screener.from_entities(OLD), VERSIONS, workers=1).screen_new_customers()
    assert before.customers == len(customers) and before.alerts == []

    listed = Monitor(empty_engine, Screener.from_entities([*OLD, ZAKHAROV]), VERSIONS, workers=1)
    run = listed.delta([ZAKHAROV.id])
    alerted = {a["customer_id"] for a in run.alerts}
    assert alerted == {GLUED.id, FAMILY_FIRST.id, PART_GLUED.id}
    assert {a["entity_id"] for a in run.alerts} == {ZAKHAROV.id}
    assert run.candidates == 3  # the other glued words are not candidates


def test_a_word_that_only_holds_or_resembles_a_listed_word_is_no_candidate(empty_engine: Engine) -> None:
    Customers(empty_engine).upsert([HANS_OTTO, *NOT_LISTED])
    parties = [OTTO, MAPLES, ROMTRANS]
    monitor = Monitor(empty_engine, Screener.from_entities([*OLD, *parties]), VERSIONS, workers=1)
    assert monitor.candidates_for(parties) == {HANS_OTTO.id}

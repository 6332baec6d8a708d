"""Name structure: from a name as written to the token sequences the matcher compares.

A name becomes one or more *forms* (one per plausible Latin spelling). Each form is a tuple of
ASCII tokens. Legal forms are rewritten to one canonical token per form of company
("Joint Stock Company" and "JSC" both become "jsc"), honorifics and titles are dropped, and
tokens are classified so that scoring can weigh them: a legal form or a stopword says little
about identity, a rare family name says a lot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rigour.names.org_types import replace_org_types_compare

from sanctionwatch import refdata
from sanctionwatch.matching.normalize import NAME_CACHE, clean
from sanctionwatch.matching.tokens import Spelling
from sanctionwatch.matching.translit import (
    MAX_SEGMENTATIONS,
    korean_syllable_runs,
    korean_syllable_spellings,
    latin_variants,
    spelled_from_abjad,
    spelled_from_syllables,
)

__all__ = ["NameForm", "is_noise", "looks_like_organization", "name_forms"]


def _words(role: str) -> tuple[str, ...]:
    """The words of refdata/name_words.tsv with one role, in file order."""
    return tuple(word for word, role_ in refdata.NAME_WORDS.rows() if role_ == role)


# Words that say little about who is named (refdata/name_words.tsv says why each is there). Honorifics,
# titles and vessel prefixes: present or absent on either side without changing identity.
AFFIXES = frozenset(_words("affix"))
# Connecting words that carry no identity on their own (kept, but weighed as noise).
STOPWORDS = frozenset(_words("stopword"))
# Canonical legal-form tokens produced by rigour's comparison form, plus common ones it leaves alone.
LEGAL_FORMS = frozenset(_words("legal-form"))

# One legal form or company word, two writings: rigour's canon keeps the Russian forms apart from the
# English ones (AO / JSC, OOO / LLC) and leaves words and their abbreviations alone (Company / Co).
# Abbreviations are written out, so that a cut-off word ('Comp', 'Corpor') still matches by prefix.
ORGANIZATION_EQUIVALENTS = {  # refdata/organization_equivalents.tsv
    word: canonical for word, canonical in refdata.ORGANIZATION_EQUIVALENTS.rows()
}

# States that organizations' names call by their initials ('Foreign Trade Bank of the DPRK'), written
# out as the lists write them ("... of the Democratic People's Republic of Korea"): refdata/country_acronyms.tsv.
COUNTRY_ACRONYMS = {acronym: tuple(name.split()) for acronym, name in refdata.COUNTRY_ACRONYMS.rows()}

# Legal forms written in Chinese, Japanese or Korean characters, rewritten as the Latin legal forms they
# are before transliteration: 北京某某有限公司 and 'Beijing Moumou Co., Ltd.' then share them, and no
# company name counts 'you xian gong si' as four name syllables that every Chinese company shares:
# refdata/cjk_legal_forms.tsv.
_CJK_LEGAL_FORMS = {written: latin for written, latin in refdata.CJK_LEGAL_FORMS.rows()}
_CJK_LEGAL = re.compile("|".join(re.escape(form) for form in sorted(_CJK_LEGAL_FORMS, key=len, reverse=True)))

_SPLIT_COMPOUND = re.compile(r"[\s,;/]+")
# 'J & M' is 'J and M'; 'I&S', 'AT&T' (no spaces) are letters of one word, joined later.
_AMPERSAND = re.compile(r"\s+&\s+")
# "M/V ARGO", "M.V. Argo", "MT Ocean": ship prefixes, removed before folding splits them into letters.
_VESSEL_PREFIX = re.compile(r"^\s*(?:m\s*[/.]\s*[vt]\.?|m\.?s\.?|mv|mt)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NameForm:
    tokens: tuple[str, ...]
    text: str  # the form as one string (tokens joined by a space)
    syllabic: bool = False  # spelled by us from Hangul, Chinese or Japanese: no typos in it
    abjad: bool = False  # read by us from Arabic script: consonants only, no short vowels

    @property
    def spelling(self) -> Spelling:
        """How the form was spelled, which decides when one of its tokens and a listed token are alike."""
        if self.syllabic:
            return Spelling.SYLLABIC
        if self.abjad:
            return Spelling.ABJAD
        return Spelling.LATIN


# Legal-form words written out, whose cut-off beginnings ('Lim', 'Corpor', 'Obshche') are still noise.
LEGAL_WORDS = _words("legal-word")

# Their beginnings of three letters or more, looked up at once (the build asks for every listed word).
_LEGAL_WORD_STARTS = frozenset(word[:end] for word in LEGAL_WORDS for end in range(3, len(word) + 1))


@lru_cache(maxsize=100_000)
def is_noise(token: str) -> bool:
    """Tokens that must never decide a match on their own."""
    if token in STOPWORDS or token in LEGAL_FORMS or len(token) == 1:
        return True
    return token in _LEGAL_WORD_STARTS


@lru_cache(maxsize=NAME_CACHE)
def name_forms(name: str, *, organization: bool = False) -> tuple[NameForm, ...]:
    """Every Latin form of a name, with affixes dropped and, for organizations, legal forms canonical.

    Person names written "FAMILY, Given" keep their tokens; order does not matter to the scorer.
    """
    text = _AMPERSAND.sub(" and ", _VESSEL_PREFIX.sub("", clean(name)))
    if not text:
        return ()
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    syllabic = not text.isascii() and spelled_from_syllables(text)
    abjad = not text.isascii() and not syllabic and spelled_from_abjad(text)
    if syllabic:
        text = _CJK_LEGAL.sub(lambda form: f" {_CJK_LEGAL_FORMS[form.group()]} ", text)
    for variant in latin_variants(text):
        folded = _canonical_legal_forms(variant) if organization else variant
        tokens = tuple(t for t in _SPLIT_COMPOUND.split(folded) if t and t not in AFFIXES)
        if not tokens:
            tokens = tuple(t for t in _SPLIT_COMPOUND.split(folded) if t)
        if not COUNTRY_ACRONYMS.keys().isdisjoint(tokens):  # (rare: the build runs this 70,000 times)
            tokens = tuple(word for t in tokens for word in COUNTRY_ACRONYMS.get(t, (t,)))
        if organization and not ORGANIZATION_EQUIVALENTS.keys().isdisjoint(tokens):
            tokens = tuple(ORGANIZATION_EQUIVALENTS.get(t, t) for t in tokens)
        split = () if organization or syllabic or abjad else _korean_syllables_apart(tokens)
        for candidate in (tokens, _join_letter_runs(tokens), *split):
            if candidate and candidate not in seen:
                seen.add(candidate)
                forms.append(NameForm(candidate, " ".join(candidate), syllabic, abjad))
    return tuple(forms)


def _korean_syllables_apart(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A Korean personal name whose syllables are written together ('Kim Jongun', 'RI Thaechol') also
    as its syllables apart, as the lists write them ('KIM Jong Un'): the index then finds the listed
    syllables. Only when every word of the name is a Korean syllable or a run of them, so that
    'Anna Schmidt' stays one form."""
    if len(tokens) < 2:
        return []
    spellings = korean_syllable_spellings()
    runs = []
    for token in tokens:  # the first word that is neither settles it: most listed names stop at once
        run = korean_syllable_runs(token)
        if not run and token not in spellings:
            return []
        runs.append(run)
    if not any(runs):
        return []
    return [
        tuple(
            word for t, r in zip(tokens, runs, strict=True) for word in (r[min(k, len(r) - 1)] if r else (t,))
        )
        for k in range(MAX_SEGMENTATIONS)
    ]


_IN = re.compile(r"(?i)(?<![^\W_])in(?![^\W_])")


def _canonical_legal_forms(text: str) -> str:
    """rigour's legal-form canon, except that it reads the preposition 'in' as 'Inc.' ('ISIS in the
    Philippines'): the text is folded around each 'in'."""
    return "in".join(replace_org_types_compare(part) for part in _IN.split(text))


_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def listed_forms(name: str, *, organization: bool = False) -> list[tuple[NameForm, bool]]:
    """The forms under which a listed name is indexed, each flagged True when derived by us.

    Beyond the name as written, an organization's name with a parenthesis is also indexed without
    it ('NAFTIRAN INTERTRADE CO. (NICO) LIMITED' is also 'NAFTIRAN INTERTRADE CO. LIMITED'); derived
    forms weigh as weak aliases. (Tried and dropped: the parenthesis alone as a name, which needs a
    country lookup per name to keep '(IRAN)' out and costs more index build time than it finds;
    initials as acronym forms, which crowd real names out of the candidates for little gain.)
    """
    out: list[tuple[NameForm, bool]] = [(f, False) for f in name_forms(name, organization=organization)]
    # Only for organizations: a person's parenthesis ('KIM (Jong Un)') is part of the name.
    if organization and "(" in name:
        seen = {form.tokens for form, _ in out}
        for form in name_forms(_PARENTHESIS.sub(" ", name), organization=True):
            if form.tokens not in seen:
                seen.add(form.tokens)
                out.append((form, True))
    return out


def _join_letter_runs(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """'I&S', 'U.S.', 'S.A.' fold to single letters; written together they are one word ('is', 'sa')."""
    out: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1:
            run.append(token)
            continue
        if run:
            out.extend(["".join(run)] if len(run) > 1 else run)
            run = []
        if token:
            out.append(token)
    return tuple(out)


def looks_like_organization(tokens: tuple[str, ...]) -> bool:
    """A query with a legal-form token names a company, whatever schema the caller gave (or didn't)."""
    return any(t in LEGAL_FORMS and len(t) > 1 for t in tokens)


# East Slavic patronymics ('Vasilyevich', 'Petrovna', 'Ilyich'): lists often leave them out.
_PATRONYMIC = re.compile(r"^[a-z]{3,}(?:[oea]v[iy]ch|[oe]vna|ivna|ichna|inichna|ich)$")
_LONGEST_PATRONYMIC = 30


def is_patronymic(token: str) -> bool:
    # (The length guard keeps a 1,000-letter garbage token from costing a regex scan.)
    return len(token) <= _LONGEST_PATRONYMIC and _PATRONYMIC.match(token) is not None


@lru_cache(maxsize=200_000)
def family_size(listed_text: str) -> int:
    """Tokens of the family name in a list's 'FAMILY, Given' writing; 0 when the name has no comma."""
    if "," not in listed_text:
        return 0
    forms = name_forms(listed_text.split(",", 1)[0])
    return len(forms[0].tokens) if forms else 0

"""Latin spellings of a name written in any script.

A listed name and a customer's name meet only if some spelling of one is close to some spelling of
the other. Each script has several romanizations in real use, and lists and customers rarely pick
the same one: OFAC writes DPRK names in a McCune-Reischauer style ("RI, Man Gon"), Seoul writes
Revised Romanization ("Ri Man-geon"), Russian media write the Kontsevich Cyrillic ("Ли Ман Гон"),
Russian names come in BGN/PCGN ("Arkadiy"), ICAO passport ("Arkadii") and informal ("Arkady")
spellings. `latin_variants` offers the plausible ones, most likely first, all ASCII-folded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import cache, lru_cache
from itertools import product

from sanctionwatch import refdata
from sanctionwatch.matching.normalize import NAME_CACHE, ascii_fold, clean, script_of, transliterate

__all__ = [
    "MAX_VARIANTS",
    "korean_syllable_spellings",
    "latin_variants",
    "spelled_from_abjad",
    "spelled_from_syllables",
]

MAX_VARIANTS = 8


def _unique(items: Iterable[str]) -> list[str]:
    """Non-empty items, first occurrence kept, order kept."""
    return [item for item in dict.fromkeys(items) if item]


# =============================================================================================
# Korean: Hangul syllable -> (initial, medial, final) jamo indices -> romanization systems.

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_INITIALS, _MEDIALS, _FINALS = 19, 21, 28

Syllable = tuple[int, int, int]  # initial (0-18), medial (0-20), final (0 = none, 1-27)


def _decompose(char: str) -> Syllable | None:
    code = ord(char) - _HANGUL_FIRST
    if not 0 <= code <= _HANGUL_LAST - _HANGUL_FIRST:
        return None
    return code // (_MEDIALS * _FINALS), code // _FINALS % _MEDIALS, code % _FINALS


def _compose(syllable: Syllable) -> str:
    initial, medial, final = syllable
    return chr(_HANGUL_FIRST + (initial * _MEDIALS + medial) * _FINALS + final)


def _table(spec: str) -> tuple[str, ...]:
    """Space-separated table; "-" stands for nothing (silent ㅇ, no final consonant)."""
    return tuple("" if cell == "-" else cell for cell in spec.split())


def _initials(spec: str) -> tuple[tuple[str, str], ...]:
    """Initial consonants as (at the start of a name part, after a voiced sound): "k/g"."""
    return tuple((cell.split("/")[0], cell.split("/")[-1]) for cell in _table(spec))


# Initials in jamo order: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
# DPRK (the style of OFAC's DPRK entries): plain stops voice between voiced sounds, ㅈ is always j,
# aspirates are written with h. McCune-Reischauer without its breves and apostrophes (which
# ascii_fold drops anyway). Revised Romanization spells each jamo one way in names.
_DPRK_INITIALS = _initials("k/g kk n t/d tt r m p/b pp s ss - j jj ch kh th ph h")
_MR_INITIALS = _initials("k/g kk n t/d tt r m p/b pp s ss - ch/j tch ch k t p h")
_RR_INITIALS = _initials("g kk n d tt r m b pp s ss - j jj ch k t p h")
# Medials: ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ
_MR_MEDIALS = _table("a ae ya yae o e yo ye o wa wae oe yo u wo we wi yu u ui i")
_RR_MEDIALS = _table("a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i")
# Finals: - ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ (as pronounced)
_FINAL_SOUNDS = _table("- k k k n n n t l k m l l l p l m p p t t ng t t k t p t")
# After these finals (and after a vowel) a following plain stop is voiced.
_VOICING_FINALS = frozenset({0, 4, 8, 16, 21})
_SIOT, _I_VOWEL = 9, 20


class _System:
    """One romanization system: how each jamo is written, depending on its neighbour."""

    def __init__(
        self, initials: tuple[tuple[str, str], ...], medials: tuple[str, ...], *, mr_shi: bool = False
    ) -> None:
        self.initials, self.medials, self.mr_shi = initials, medials, mr_shi

    def part(self, syllables: Sequence[Syllable]) -> list[str]:
        """A name part (family name, or the given name) syllable by syllable; voicing runs across
        syllables of one part only, since "Man Gon" is one given name and "Kim" another part."""
        written: list[str] = []
        previous_final: int | None = None
        for initial, medial, final in syllables:
            voiced = previous_final is not None and previous_final in _VOICING_FINALS
            consonant = self.initials[initial][1 if voiced else 0]
            if self.mr_shi and initial == _SIOT and medial == _I_VOWEL:
                consonant = "sh"
            written.append(consonant + self.medials[medial] + _FINAL_SOUNDS[final])
            previous_final = final
        return written


_DPRK = _System(_DPRK_INITIALS, _MR_MEDIALS)
_MR = _System(_MR_INITIALS, _MR_MEDIALS, mr_shi=True)
_RR = _System(_RR_INITIALS, _RR_MEDIALS)


@cache
def korean_syllable_spellings() -> frozenset[str]:
    """Every way the DPRK, McCune-Reischauer and Revised Romanization systems write one Hangul
    syllable, plus the family names' popular spellings: what a Latin word must be to be read as a
    Korean syllable ('chol', 'jong', 'kyong', 'park')."""
    spellings = {
        written
        for syllable in product(range(_INITIALS), range(_MEDIALS), range(_FINALS))
        for system in (_DPRK, _MR, _RR)
        for written in system.part([syllable])
    }
    spellings.update(s for options in _FAMILY_SPELLINGS.values() for s in options if " " not in s)
    # South Korean passports write ㅜ as 'oo' ('Hoon', 'Joon', 'Soo'), beside RR's 'u'.
    spellings.update(s.replace("u", "oo", 1) for s in list(spellings) if s.count("u") == 1)
    return frozenset(spellings)


# Family names -> spellings in common use beyond the systematic ones (South Korean passports, press, the
# diaspora), most common first: refdata/korean_family_names.tsv.
_FAMILY_SPELLINGS: dict[str, tuple[str, ...]] = {
    hangul: tuple(latin.split()) for hangul, latin, _cyrillic in refdata.KOREAN_FAMILY_NAMES.rows()
}
_DOUBLE_FAMILY = frozenset(name for name in _FAMILY_SPELLINGS if len(name) == 2)


@cache
def family_name_groups() -> dict[str, frozenset[int]]:
    """Latin spelling -> the Korean family names (by number) it is a spelling of.

    One family name has many Latin spellings that no letter rule relates: 이 is Ri in the North, Lee,
    Yi or Rhee in the South; 박 is Pak, Park or Bak; 최 Choe or Choi. Each family name's group holds
    its systematic spellings (DPRK, McCune-Reischauer, Revised Romanization) and the popular ones. A
    spelling may belong to several families ('Yu' is 유 and 류): two spellings name the same family
    when their groups meet.
    """
    groups: dict[str, set[int]] = {}
    for number, (hangul, popular) in enumerate(_FAMILY_SPELLINGS.items()):
        syllables = [s for s in map(_decompose, hangul) if s is not None]
        systematic = ["".join(system.part(syllables)) for system in (_DPRK, _MR, _RR)]
        for spelling in (*systematic, *popular):
            if len(spelling) >= 2:  # ('I', 'O', 'U': single letters are initials, not names)
                groups.setdefault(spelling, set()).add(number)
    return {spelling: frozenset(numbers) for spelling, numbers in groups.items()}


MAX_SEGMENTATIONS = 2


@lru_cache(maxsize=NAME_CACHE)
def korean_syllable_runs(token: str) -> tuple[tuple[str, ...], ...]:
    """The ways a Latin word splits into two or three Korean syllables, fewest pieces first:
    'jongun' -> (('jong', 'un'),), 'sukwang' -> (('su', 'kwang'), ('suk', 'wang')).

    Given names are written joined as often as apart ('Jongun', 'Jong Un', 'Jong-un'). Pieces are at
    least two letters (a lone vowel is a syllable too, but splitting one off reads any word as Korean);
    a word that splits no way gives nothing. At most MAX_SEGMENTATIONS.
    """
    spellings = korean_syllable_spellings()
    if len(token) < 4 or not token.isalpha():
        return ()
    found: list[tuple[str, ...]] = []

    def split(rest: str, pieces: tuple[str, ...]) -> None:
        if not rest:
            if len(pieces) >= 2:
                found.append(pieces)
            return
        if len(pieces) == 3:
            return
        for end in range(2, min(len(rest), 6) + 1):
            if rest[:end] in spellings:
                split(rest[end:], (*pieces, rest[:end]))

    split(token, ())
    found.sort(key=len)
    return tuple(found[:MAX_SEGMENTATIONS])


def _split_family(syllables: list[Syllable]) -> tuple[list[Syllable], list[Syllable]]:
    """A Korean personal name is a family name of one syllable (a few have two) and a given name."""
    hangul = "".join(_compose(syllable) for syllable in syllables[:2])
    if hangul in _DOUBLE_FAMILY and len(syllables) > 2:
        return syllables[:2], syllables[2:]
    if hangul[:1] in _FAMILY_SPELLINGS or len(syllables) == 3:
        return syllables[:1], syllables[1:]
    return [], syllables


def _spaced(*parts: Sequence[str]) -> str:
    return " ".join(word for part in parts for word in part if word)


def _korean_name(family: Sequence[Syllable], given: Sequence[Syllable]) -> list[str]:
    """Romanizations of one Korean name, syllables separated; the DPRK style first (the lists'),
    then Revised Romanization, the given name joined, McCune-Reischauer, popular family spellings."""
    dprk_family, dprk_given = _DPRK.part(family), _DPRK.part(given)
    rr_given = _RR.part(given)
    popular = _FAMILY_SPELLINGS.get("".join(map(_compose, family)), ())
    variants = [
        _spaced(dprk_family, dprk_given),
        _spaced(_RR.part(family), rr_given),
        _spaced(dprk_family, ["".join(dprk_given)]),
        _spaced(_MR.part(family), _MR.part(given)),
        *(_spaced([spelling], words) for spelling in popular[:2] for words in (rr_given, dprk_given)),
    ]
    return _unique(variants)[:MAX_VARIANTS]


# Words of Korean organization names, as the lists translate them: refdata/korean_words.tsv (its header says
# where each row comes from). The proper-name part between them is romanized. Longest words first when
# segmenting.
_ORGANIZATION_WORDS = {hangul: english for hangul, english, _evidence in refdata.KOREAN_WORDS.rows()}
_LONGEST_WORD = max(map(len, _ORGANIZATION_WORDS))
# A name ending in one of these is an organization's, not a person's: refdata/korean_organization_endings.tsv.
_ORGANIZATION_ENDINGS = tuple(hangul for (hangul,) in refdata.KOREAN_ORGANIZATION_ENDINGS.rows())


def _hangul_variants(words: Sequence[str]) -> list[str]:
    syllables = [syllable for word in words for syllable in map(_decompose, word) if syllable is not None]
    if not syllables:
        return [ascii_fold(" ".join(words))]
    if words and words[-1].endswith(_ORGANIZATION_ENDINGS):
        return _korean_organization(words)
    return _korean_name(*_split_family(syllables))


def _segments(words: Sequence[str], known: Collection[str], longest: int) -> list[tuple[str, str]]:
    """An organization's words cut into known words (("word", "은행")) and the proper names between them
    (("name", "단천")); the longest known word first at each point."""
    segments: list[tuple[str, str]] = []
    for word in words:
        at = 0
        while at < len(word):
            size = next(
                (n for n in range(min(longest, len(word) - at), 1, -1) if word[at : at + n] in known),
                0,
            )
            if size:
                segments.append(("word", word[at : at + size]))
                at += size
            elif segments and segments[-1][0] == "name" and at > 0:
                segments[-1] = ("name", segments[-1][1] + word[at])
                at += 1
            else:
                segments.append(("name", word[at]))
                at += 1
    return segments


def _korean_organization(words: Sequence[str]) -> list[str]:
    """Known words translated, the proper names between them romanized as one word each (the DPRK
    style first, then Revised Romanization)."""
    segments = _segments(words, _ORGANIZATION_WORDS, _LONGEST_WORD)
    variants = []
    for system in (_DPRK, _RR):
        parts = []
        for kind, text in segments:
            if kind == "word":
                parts.append(_ORGANIZATION_WORDS[text])
            else:
                syllables = [s for s in map(_decompose, text) if s is not None]
                parts.append("".join(system.part(syllables)) if syllables else ascii_fold(text))
        variants.append(" ".join(parts))
    return _unique(variants)


# =============================================================================================
# Korean written in Cyrillic (the Kontsevich system and the older Russian habits beside it).
# Each Cyrillic spelling maps to candidate jamo with a rank (0 = usual reading).

_KONTSEVICH_INITIALS: tuple[tuple[str, int], ...] = tuple(
    (cell.split("=")[0], int(cell.split("=")[1]))
    for cell in """чж=12 дж=12 чх=14 кх=15 тх=16 пх=17 кк=1 тт=4 пп=8 сс=10 чч=13 к=0 г=0 н=2 т=3 д=3 р=5
    л=5 м=6 п=7 б=7 с=9 ш=9 ч=12 ц=14 х=18""".split()
)
_KONTSEVICH_MEDIALS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("ва", (9,)),
    ("вэ", (11, 10)),
    ("ве", (15, 11)),
    ("во", (14,)),
    ("ви", (16,)),
    ("ый", (19,)),
    ("ой", (11,)),
    ("йе", (7,)),
    ("я", (2,)),
    ("э", (1,)),
    ("е", (4, 6)),  # Чен 정 (ㅓ), Ен 영 (ㅕ)
    ("ё", (6,)),
    ("о", (4,)),  # ㅓ and ㅗ: the same letter in DPRK and McCune-Reischauer output
    ("у", (13,)),
    ("ю", (17,)),
    ("ы", (18,)),
    ("и", (20, 19)),  # Хи: 히 or 희
    ("а", (0,)),
)
_KONTSEVICH_FINALS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("нг", (21,)),
    ("ль", (8,)),
    ("н", (4, 21)),  # ㄴ and ㅇ are both н in Kontsevich; ranked by the vowel below
    ("к", (1,)),
    ("т", (7,)),
    ("р", (8,)),
    ("л", (8,)),
    ("м", (16,)),
    ("п", (17,)),
    ("", (0,)),
)
# After ㅓ, ㅕ and ㅗ, н is more often ㅇ (Чен 정, Бён 병, Пон 봉) than ㄴ.
_NG_FIRST_MEDIALS = frozenset({4, 6, 8})
_NIEUN, _IEUNG, _SILENT = 4, 21, 11

# Family names as Russian writes them -> Hangul (refdata/korean_family_names.tsv, its cyrillic column).
_KONTSEVICH_FAMILIES: dict[str, str] = {
    spelling: hangul
    for hangul, _latin, cyrillic in refdata.KOREAN_FAMILY_NAMES.rows()
    if cyrillic != "-"
    for spelling in cyrillic.split()
}

Reading = tuple[int, tuple[Syllable, ...]]  # (rank, syllables)


def _final_options(medial: int, finals: tuple[int, ...]) -> tuple[int, ...]:
    if finals == (_NIEUN, _IEUNG) and medial in _NG_FIRST_MEDIALS:
        return _IEUNG, _NIEUN
    return finals


def _medial_options(initial: int, medials: tuple[int, ...]) -> tuple[int, ...]:
    """Word-initial е is "ye" in Russian, so it reads ㅕ first (Ен 영)."""
    return medials[::-1] if initial == _SILENT and medials == (4, 6) else medials


def _syllable_starts(word: str, at: int) -> Iterable[tuple[int, int, int, int, int]]:
    """Every (initial, medial, final, rank, end) that spells a syllable at word[at:]."""
    initials = [(spelling, jamo) for spelling, jamo in _KONTSEVICH_INITIALS if word.startswith(spelling, at)]
    for spelling, initial in [*initials, ("", _SILENT)]:
        start = at + len(spelling)
        for medial_spelling, medials in _KONTSEVICH_MEDIALS:
            if not word.startswith(medial_spelling, start):
                continue
            after = start + len(medial_spelling)
            for medial_rank, medial in enumerate(_medial_options(initial, medials)):
                for final_spelling, finals in _KONTSEVICH_FINALS:
                    if word.startswith(final_spelling, after):
                        for final_rank, final in enumerate(_final_options(medial, finals)):
                            # a syllable without a final costs one, so "Ченын" reads 정은 before 저늰
                            rank = medial_rank + final_rank + (final == 0)
                            yield initial, medial, final, rank, after + len(final_spelling)


@lru_cache(maxsize=4096)
def _kontsevich_word(word: str, at: int = 0) -> tuple[Reading, ...]:
    """Readings of a Cyrillic word as Korean syllables, best first (empty if it cannot be Korean)."""
    if at == len(word):
        return ((0, ()),)
    readings: list[Reading] = []
    for initial, medial, final, rank, end in _syllable_starts(word, at):
        for rest_rank, rest in _kontsevich_word(word, end):
            readings.append((rank + rest_rank, ((initial, medial, final), *rest)))
    readings.sort(key=lambda reading: reading[0])
    return tuple(readings[:6])


_NAME_PARTS = re.compile(r"[\s\-]+")


def _kontsevich_readings(text: str, limit: int = 4) -> list[tuple[Syllable, list[Syllable]]]:
    """Korean readings of a Cyrillic name, when its first word is a Korean family name as Russian
    writes it and every other word spells Korean syllables; none otherwise."""
    words = [word for word in _NAME_PARTS.split(text.lower()) if word]
    if len(words) < 2 or words[0] not in _KONTSEVICH_FAMILIES:
        return []
    family = _decompose(_KONTSEVICH_FAMILIES[words[0]])
    given = [_kontsevich_word(word) for word in words[1:]]
    if family is None or not all(given) or sum(len(word[0][1]) for word in given) > 4:
        return []
    combos = sorted(product(*given), key=lambda combo: sum(rank for rank, _ in combo))
    return [
        (family, [syllable for _, syllables in combo for syllable in syllables]) for combo in combos[:limit]
    ]


def _korean_from_cyrillic(text: str) -> list[str]:
    """The DPRK-style spelling of each Korean reading (the other systems would multiply guesses)."""
    return _unique(_korean_name([family], given)[0] for family, given in _kontsevich_readings(text))


# =============================================================================================
# Cyrillic: BGN/PCGN per language, ICAO 9303 (passports), ISO-like, informal.

_BGN_BY_LETTERS = (
    ("ў", "Belarusian-Latin/BGN"),
    ("јљњћђџ", "Serbian-Latin/BGN"),
    ("ієїґ", "Ukrainian-Latin/BGN"),
)

# ICAO Doc 9303 part 3, lower case; ь is left out.
_ICAO = str.maketrans(
    dict(
        zip(
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґў",
            _table("a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y - e iu ia i ie i g u"),
            strict=True,
        )
    )
)

# Informal English spellings from BGN: "-iy"/"-yy" endings are "-y", "-iye-" is "-ie-".
_INFORMAL = (
    (re.compile(r"(?<=[a-z])[iy]y\b"), "y"),
    (re.compile(r"iye"), "ie"),
    (re.compile(r"\bye(?=[a-z])"), "e"),
)


def _bgn_spec(text: str) -> str:
    lowered = text.lower()
    for letters, spec in _BGN_BY_LETTERS:
        if any(letter in lowered for letter in letters):
            return spec
    return "Russian-Latin/BGN"


def _informal(bgn: str) -> str:
    for pattern, replacement in _INFORMAL:
        bgn = pattern.sub(replacement, bgn)
    return bgn


def _cyrillic_variants(words: Sequence[str]) -> list[str]:
    text = " ".join(words)
    bgn = ascii_fold(transliterate(_bgn_spec(text), text))
    standard = [
        bgn,
        ascii_fold(text.lower().translate(_ICAO)),
        _informal(bgn),
        ascii_fold(transliterate("Cyrillic-Latin", text)),
    ]
    return _unique([*_korean_from_cyrillic(text), *standard])[:MAX_VARIANTS]


# =============================================================================================
# Chinese, Japanese, Arabic and the rest.

# Chinese family names of two characters (refdata/chinese_compound_surnames.tsv).
_COMPOUND_SURNAMES = frozenset(hanzi for (hanzi,) in refdata.CHINESE_COMPOUND_SURNAMES.rows())


def _pinyin(spec: str, chars: str) -> list[str]:
    return ascii_fold(transliterate(spec, chars)).split() if chars else []


def _han_word(word: str) -> list[str]:
    """Pinyin of one Chinese name: the surname read as a surname (单 is Shan, not Dan), syllables
    spaced; the given name joined ("xi jinping") as passports and the press write it; the surname
    in its everyday reading. ICU's Han readings cost ~10 us a character, so each is read once."""
    family_length = 2 if word[:2] in _COMPOUND_SURNAMES else 1
    family, given = (
        _pinyin("Han-Latin/Names", word[:family_length]),
        _pinyin("Han-Latin", word[family_length:]),
    )
    everyday = _pinyin("Han-Latin", word[:family_length])
    return _unique(
        [_spaced(family, given), _spaced(["".join(family)], ["".join(given)]), _spaced(everyday, given)]
    )


# Words of Chinese company names, as the lists translate them ('北京正宇兴科技有限公司' is listed as
# 'BEIJING ZHENGYUXING TECHNOLOGY CO., LTD.'), and places (which alone do not make a name a company's):
# refdata/chinese_organization_words.tsv. The proper name between them is romanized as one word. (Legal
# forms are read before this: names.py.)
_CHINESE_ORGANIZATION_WORDS = {
    hanzi: english for hanzi, english, _kind in refdata.CHINESE_ORGANIZATION_WORDS.rows()
}
_PLACES = frozenset(
    hanzi for hanzi, _english, kind in refdata.CHINESE_ORGANIZATION_WORDS.rows() if kind == "place"
)
_LONGEST_CHINESE_WORD = max(map(len, _CHINESE_ORGANIZATION_WORDS))


def _han_variants(words: Sequence[str]) -> list[str]:
    organization = _chinese_organization(words)
    if organization is not None:
        return organization
    per_word = [_han_word(word) for word in words]
    return _combine(per_word)


def _chinese_organization(words: Sequence[str]) -> list[str] | None:
    """A company's name (four characters or more, holding a business word, not only places): known words
    translated, the proper name between them romanized joined ('zhengyuxing', as the lists write it) and
    spaced. None for a person's name (two to four characters, rarely with such a word: 王国际)."""
    if sum(map(len, words)) < 4:
        return None
    segments = _segments(words, _CHINESE_ORGANIZATION_WORDS, _LONGEST_CHINESE_WORD)
    if not any(kind == "word" and text not in _PLACES for kind, text in segments):
        return None
    known = _CHINESE_ORGANIZATION_WORDS
    joined = [
        known[text] if kind == "word" else "".join(_pinyin("Han-Latin", text)) for kind, text in segments
    ]
    spaced = [
        known[text] if kind == "word" else " ".join(_pinyin("Han-Latin", text)) for kind, text in segments
    ]
    return _unique([" ".join(joined), " ".join(spaced)])


# Hepburn as ICU writes it keeps long vowels ("shinzou"); passports and the press drop them.
_LONG_VOWELS = ((re.compile(r"ou"), "o"), (re.compile(r"uu"), "u"), (re.compile(r"oo(?=[^aeiou]|$)"), "o"))


def _japanese_variants(words: Sequence[str]) -> list[str]:
    hepburn = ascii_fold(transliterate("Any-Latin", " ".join(words)))
    short = hepburn
    for pattern, replacement in _LONG_VOWELS:
        short = pattern.sub(replacement, short)
    return _unique([hepburn, short])


_ARTICLE = re.compile(r"\b([ae]l)(?=[a-z]{2,})")


def _arabic_variants(words: Sequence[str]) -> list[str]:
    """ICU writes the consonant skeleton ("bha alhlaq"); lists write the article apart ("al hlaq")."""
    skeleton = ascii_fold(transliterate("Any-Latin", " ".join(words)))
    return _unique([skeleton, _ARTICLE.sub(r"\1 ", skeleton)])


def _any_variants(words: Sequence[str]) -> list[str]:
    return _unique([ascii_fold(" ".join(words))])


_BY_SCRIPT: dict[str, Callable[[Sequence[str]], list[str]]] = {
    "Hang": _hangul_variants,
    "Cyrl": _cyrillic_variants,
    "Hani": _han_variants,
    "Jpan": _japanese_variants,
    "Arab": _arabic_variants,
}


# =============================================================================================
# Whole names: words grouped by script, each group romanized, the groups' variants combined.


def _combine(parts: Sequence[Sequence[str]]) -> list[str]:
    """Variants of consecutive parts joined, lowest rank sum first (rank = position in a part)."""
    combined: list[tuple[int, str]] = [(0, "")]
    for options in parts:
        if not options:
            continue
        joined = sorted(
            (
                (rank + position, f"{text} {option}" if text else option)
                for rank, text in combined
                for position, option in enumerate(options)
            ),
            key=lambda pair: pair[0],
        )
        best: dict[str, int] = {}
        for rank, text in joined:
            best.setdefault(text, rank)
            if len(best) == MAX_VARIANTS:
                break
        combined = [(rank, text) for text, rank in best.items()]
    return [text for _, text in combined if text]


def _groups(text: str) -> list[tuple[str, list[str]]]:
    """Runs of words in one script (words without letters, such as numbers, make their own runs)."""
    groups: list[tuple[str, list[str]]] = []
    for word in text.split():
        script = script_of(word)
        if groups and script == groups[-1][0]:
            groups[-1][1].append(word)
        else:
            groups.append((script, [word]))
    return groups


@lru_cache(maxsize=NAME_CACHE)
def _variants(text: str) -> tuple[str, ...]:
    if text.isascii():
        folded = ascii_fold(text)
        return (folded,) if folded else ()
    parts = [_BY_SCRIPT.get(script, _any_variants)(words) for script, words in _groups(clean(text))]
    return tuple(_combine(parts))


# Scripts written syllable by syllable: their Latin spellings are generated here, one per scheme.
SYLLABIC_SCRIPTS = frozenset({"Hang", "Hani", "Jpan"})


def spelled_from_syllables(text: str) -> bool:
    """Every word with letters is Hangul, Chinese or Japanese.

    Then every Latin form of the name is generated syllable by syllable, so two forms that differ
    by a letter differ by a syllable ('jia' / 'jiao', 'gang' / 'gong'): a different name, never a
    typo. Romanization differences are covered by the forms themselves (MR, RR and DPRK spellings).
    """
    scripts = _letter_scripts(text)
    return bool(scripts) and scripts <= SYLLABIC_SCRIPTS


def spelled_from_abjad(text: str) -> bool:
    """Every word with letters is in Arabic script (Arabic, Persian, Urdu): its Latin forms are
    ICU's readings of consonants and long vowels, without the short vowels a romanization writes."""
    return _letter_scripts(text) == {"Arab"}


def _letter_scripts(text: str) -> set[str]:
    """The scripts of the words that have letters (numbers and signs have none)."""
    return {script for script, _ in _groups(clean(text)) if script != "Zyyy"}


def latin_variants(text: str) -> list[str]:
    """Plausible Latin spellings of a name, ASCII-folded, most likely first, at most MAX_VARIANTS.

    Latin text has one: its folded form. Mixed-script text is read word by word in each word's
    script, so "Kim 정은" is read as Latin "kim" followed by Korean given-name syllables.
    """
    return list(_variants(text))

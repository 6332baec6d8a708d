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
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import product

from sanctionwatch.matching.normalize import NAME_CACHE, ascii_fold, clean, script_of, transliterate

__all__ = [
    "KOREAN_WORDS_FILE",
    "MAX_VARIANTS",
    "korean_syllable_spellings",
    "korean_word_rows",
    "latin_variants",
    "parse_korean_words",
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


# Family names -> spellings in common use beyond the systematic ones (South Korean passports,
# press, the diaspora). Initial ㄹ is dropped in the South (리 -> 이 "Lee"), kept in the North.
_FAMILY_SPELLINGS: dict[str, tuple[str, ...]] = {
    entry.split()[0]: tuple(entry.split()[1:])
    for entry in """김 kim|이 lee yi rhee ri|리 lee yi rhee|박 park bak|최 choi choe|정 jung chung jeong|강 kang
    |조 cho jo|윤 yoon yun|장 jang chang|임 lim im|림 lim rim|한 han|오 oh o|서 suh seo|신 shin sin|권 kwon
    |황 hwang|안 ahn an|송 song|전 jeon jun chun|홍 hong|유 yoo yu|류 ryu yoo|고 ko go|문 moon mun|양 yang
    |량 ryang yang|손 sohn son|배 bae pae|백 baek paek paik|허 heo hur ho|남 nam|노 roh noh|로 ro roh|하 ha
    |곽 kwak|성 sung seong|차 cha|주 joo ju chu|우 woo u|구 koo ku|민 min|라 ra na|진 jin chin|지 ji chi
    |엄 eom um|채 chae|원 won|천 cheon chun|방 bang pang|공 kong|현 hyun hyon|함 ham|변 byun pyon|염 yeom
    |여 yeo|추 choo chu|도 do to|소 so|석 seok suk|선 sun son|설 seol sul|마 ma|길 gil kil|연 yeon yun
    |위 wi wee|표 pyo|명 myung myong|기 ki gi|반 ban pan|왕 wang|금 keum kum|옥 ok|육 yuk|인 in|맹 maeng
    |제 je|모 mo|탁 tak|국 kook kuk|태 tae thae|계 kye gye|동 dong tong|봉 bong pong|심 shim sim
    |남궁 namgung|제갈 jegal|선우 sunwoo|황보 hwangbo|독고 dokgo|사공 sagong|서문 seomun""".split("|")
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


# Words of Korean organization names, as the lists translate them: korean_words.tsv (its header says where
# each row comes from). The proper-name part between them is romanized. Longest words first when segmenting.
KOREAN_WORDS_FILE = "korean_words.tsv"


def korean_word_rows() -> list[tuple[str, str, str]]:
    """(hangul, English, evidence) per row of the package's korean_words.tsv, in file order."""
    text = resources.files("sanctionwatch.matching").joinpath(KOREAN_WORDS_FILE).read_text(encoding="utf-8")
    return parse_korean_words(text)


def parse_korean_words(text: str) -> list[tuple[str, str, str]]:
    """The rows of a korean_words.tsv text. A row that is malformed, repeats a word or gives evidence other
    than `curated` or `list:<party ids>` is refused by its line number: a word silently read twice would
    translate as whichever came first."""
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line and line[0] != "#"]
    if not numbered or numbered[0][1].split("\t") != ["hangul", "english", "evidence"]:
        raise ValueError(f"{KOREAN_WORDS_FILE}: the first row must be the header hangul, english, evidence")
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for number, line in numbered[1:]:
        cells = line.split("\t")
        if len(cells) != 3 or not all(cells) or any(cell != cell.strip() for cell in cells):
            raise ValueError(
                f"{KOREAN_WORDS_FILE}:{number}: needs three cells without spaces around: {line!r}"
            )
        hangul, english, evidence = cells
        if hangul in seen:
            raise ValueError(f"{KOREAN_WORDS_FILE}:{number}: {hangul} is a row already")
        if evidence != "curated" and not evidence.startswith("list:"):
            raise ValueError(f"{KOREAN_WORDS_FILE}:{number}: evidence must be curated or list:<party ids>")
        seen.add(hangul)
        rows.append((hangul, english, evidence))
    return rows


_ORGANIZATION_WORDS = {hangul: english for hangul, english, _evidence in korean_word_rows()}
_LONGEST_WORD = max(map(len, _ORGANIZATION_WORDS))
# A name ending in one of these is an organization's, not a person's.
_ORGANIZATION_ENDINGS = (
    "은행",
    "회사",
    "공사",
    "상사",
    "그룹",
    "총국",
    "위원회",
    "연구소",
    "연구원",
    "대학",
    "기업소",
    "지사",
)


def _hangul_variants(words: Sequence[str]) -> list[str]:
    syllables = [syllable for word in words for syllable in map(_decompose, word) if syllable is not None]
    if not syllables:
        return [ascii_fold(" ".join(words))]
    if words and words[-1].endswith(_ORGANIZATION_ENDINGS):
        return _korean_organization(words)
    return _korean_name(*_split_family(syllables))


def _segments(words: Sequence[str], known: dict[str, str], longest: int) -> list[tuple[str, str]]:
    """An organization's words cut into known words, translated (("word", "bank")), and the proper names
    between them (("name", "단천")); the longest known word first at each point."""
    segments: list[tuple[str, str]] = []
    for word in words:
        at = 0
        while at < len(word):
            size = next(
                (n for n in range(min(longest, len(word) - at), 1, -1) if word[at : at + n] in known),
                0,
            )
            if size:
                segments.append(("word", known[word[at : at + size]]))
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
                parts.append(text)
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

# Family names as Russian writes them -> Hangul.
_KONTSEVICH_FAMILIES: dict[str, str] = {
    entry.split()[0]: entry.split()[1]
    for entry in """ким 김|ли 리|ри 리|и 이|пак 박|пэк 백|бэк 백|пек 백|чхве 최|чвэ 최|чве 최|цой 최|чой 최
    |чон 정|чен 정|тен 정|чжон 정|хван 황|кан 강|чо 조|чжо 조|юн 윤|чан 장|чжан 장|лим 림|рим 림|им 임
    |хан 한|о 오|со 서|син 신|шин 신|квон 권|хо 허|ко 고|мун 문|ян 양|рян 량|сон 송|пэ 배|ро 로|но 노
    |нам 남|ан 안|ю 유|рю 류|хён 현|хен 현|пён 변|сим 심|чу 주|чжу 주|у 우|ку 구|мин 민|чин 진|чи 지
    |тхэ 태|тхак 탁|кым 금|ок 옥|ха 하|кон 공|пан 방|чха 차|ом 엄|вон 원|чхон 천|хам 함|ём 염|сок 석
    |ма 마|кил 길|киль 길|ён 연|ви 위|пхё 표|мён 명|ки 기|ван 왕|ке 계|тон 동|пон 봉""".split("|")
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

_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 司徒 东方 夏侯 皇甫 尉迟 公孙 慕容 长孙 宇文 令狐 歐陽 司馬 諸葛".split()
)


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
# 'BEIJING ZHENGYUXING TECHNOLOGY CO., LTD.'), simplified and traditional; places as they are written
# in Latin. The proper name between them is romanized as one word. (Legal forms are read before this:
# names.py.)
_CHINESE_ORGANIZATION_WORDS: dict[str, str] = {
    entry.split(":")[0]: entry.split(":")[1]
    for entry in """科技:technology|技术:technology|技術:technology|网络:network|網絡:network|信息:information
    |資訊:information|贸易:trading|貿易:trading|商贸:trading|商貿:trading|国际:international|國際:international
    |投资:investment|投資:investment|实业:industrial|實業:industrial|工业:industry|工業:industry|控股:holdings
    |电子:electronics|電子:electronics|化工:chemical|石油:petroleum|石化:petrochemical|能源:energy|物流:logistics
    |船务:shipping|船務:shipping|航运:shipping|航運:shipping|海运:shipping|海運:shipping|进出口:import export
    |進出口:import export|发展:development|發展:development|集团:group|集團:group|银行:bank|銀行:bank
    |机械:machinery|機械:machinery|设备:equipment|設備:equipment|材料:materials|精细:fine|精細:fine
    |光电:optoelectronics|光電:optoelectronics|电气:electric|電氣:electric|零部件:parts|医药:pharmaceutical
    |醫藥:pharmaceutical|传媒:media|傳媒:media|数字:digital|數字:digital|工程:engineering|建设:construction
    |建設:construction|矿业:mining|礦業:mining|渔业:fishery|漁業:fishery|远洋:ocean|遠洋:ocean|环境:environment
    |環境:environment|动力:power|動力:power|防务:defense|防務:defense|航空:aviation|半导体:semiconductor
    |半導體:semiconductor|中国:china|中國:china|香港:hong kong|北京:beijing|上海:shanghai|深圳:shenzhen
    |广州:guangzhou|廣州:guangzhou|天津:tianjin|大连:dalian|大連:dalian|青岛:qingdao|青島:qingdao|厦门:xiamen
    |廈門:xiamen|杭州:hangzhou|宁波:ningbo|寧波:ningbo|成都:chengdu|重庆:chongqing|重慶:chongqing|武汉:wuhan
    |武漢:wuhan|南京:nanjing|苏州:suzhou|蘇州:suzhou|四川:sichuan|山东:shandong|山東:shandong|浙江:zhejiang
    |江苏:jiangsu|江蘇:jiangsu|广东:guangdong|廣東:guangdong|福建:fujian|辽宁:liaoning|遼寧:liaoning
    |河北:hebei|湖北:hubei|湖南:hunan|河南:henan|吉林:jilin|丹东:dandong|丹東:dandong|澳门:macau|澳門:macau
    |台湾:taiwan|台灣:taiwan""".replace("\n", "")
    .replace(" |", "|")
    .split("|")
}
_PLACES = frozenset(
    "china hong kong beijing shanghai shenzhen guangzhou tianjin dalian qingdao xiamen hangzhou ningbo chengdu "
    "chongqing wuhan nanjing suzhou sichuan shandong zhejiang jiangsu guangdong fujian liaoning hebei hubei "
    "hunan henan jilin dandong macau taiwan".split()
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
    joined = [text if kind == "word" else "".join(_pinyin("Han-Latin", text)) for kind, text in segments]
    spaced = [text if kind == "word" else " ".join(_pinyin("Han-Latin", text)) for kind, text in segments]
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

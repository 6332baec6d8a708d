"""Similarity of two name tokens, and the keys under which a token is found despite spelling changes.

The keys are what makes retrieval tolerant without scanning the whole list: a token is indexed
under itself, under every string one deletion away (typos, OCR slips, transpositions and doubled
letters meet at a shared deletion), under its consonant skeleton (dropped vowels, and most vowel
differences between romanizations: Muhammad / Mohammed / Mhmmd), and under a phonetic code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import snowballstemmer
from rapidfuzz.distance import OSA
from rigour.text.phonetics import metaphone

from sanctionwatch.matching.translit import korean_syllable_spellings

INITIAL = 0.68  # "B." for "Barakat": supports a match, never makes one
PREFIX = 0.84  # a truncated token ("Comp" for "Company"), scaled by how much of it is left
VOWELLESS = 0.86  # "Mhmmd" for "Mohammad": the consonants, vowels dropped
SKELETON = 0.82  # same consonants, other vowels ("Muhammad" / "Mohammed"), similar length
PHONETIC = 0.78  # same metaphone code ("Faiez" / "Fayez")
STEM = 0.88  # one English word, two inflections ('Industries' / 'Industry', 'Chemicals' / 'Chemical')
ROMANIZED = 0.9  # one sound, two romanizations ('Zhalolov' / 'Jalolov', 'Luqa' / 'Louka')
VISUAL = 0.9  # the same letters to the eye or a scanner ("KlM" / "KIM", "C0" / "CO")
EDIT_COST = 1.3  # similarity lost per edit, relative to the longer token's length (+1)
FLOOR = 0.66  # below this two tokens are simply different

_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """Consonants in order (y counts as one), doubled letters collapsed: 'mohammed' -> 'mhmd'."""
    out: list[str] = []
    for ch in token:
        if ch in _VOWELS or not ch.isalpha():
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=500_000)
def phonetic(token: str) -> str:
    return metaphone(token) if len(token) >= 3 and token.isalpha() else ""


_VISUAL = str.maketrans({"l": "i", "1": "i", "j": "i", "0": "o", "5": "s", "8": "b", "6": "g"})


@lru_cache(maxsize=500_000)
def visual(token: str) -> str:
    """Fold letters that scanners and eyes confuse ('KlM', 'C0', 'Moharnmad') to one shape."""
    return token.replace("rn", "m").replace("vv", "w").replace("cl", "d").translate(_VISUAL)


# Letter groups that different romanization schemes write differently for one sound: Cyrillic ж as
# 'zh' (BGN) or 'j' (French, Uzbek), х as 'kh' or 'h', Arabic ق as 'q' or 'k', ش as 'sh' or 'ch'
# (French), ou/u, ee/i, y/i ('Aleksey' / 'Aleksei' / 'Aliaksei'), x/ks ('Alexander' / 'Aleksandr').
_ROMANIZATION = (
    ("dzh", "j"), ("tch", "ch"), ("sch", "sh"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("gh", "g"),
    ("ph", "f"), ("ck", "k"), ("dz", "d"), ("x", "ks"), ("q", "k"), ("w", "v"), ("ou", "u"), ("oo", "u"), ("ee", "i"),
    ("y", "i"),
)  # fmt: skip
_ENDING = re.compile(r"(?:ii|ei|ie)$")
_IYA_ENDING = re.compile(r"iia$")  # 'Mariya' / 'Maria', 'Lidiya' / 'Lidia' (after y -> i)
_FINAL_H = re.compile(r"(?<=[aeiou])h$")
_FOLDED_ENDINGS = ("ii", "ei", "ie", "iia", "h")
_DOUBLED = re.compile(r"(.)\1+")  # doubled letters written once


@lru_cache(maxsize=500_000)
def romanized(token: str) -> str:
    """One spelling for the romanizations of a sound: 'Zhalolov' / 'Jalolov', 'Luqa' / 'Louka',
    'Sergey' / 'Sergei', 'Abdallah' / 'Abdalla'. Compared, never shown."""
    return _fixed_point(_romanized_step, token)  # a fold can create another: 'qh' -> 'kh' -> 'h'


def _romanized_step(folded: str) -> str:
    for written, sound_ in _ROMANIZATION:
        if written in folded:
            folded = folded.replace(written, sound_)
    if folded.endswith(_FOLDED_ENDINGS):  # (a test first: the regular expressions cost more)
        folded = _FINAL_H.sub("", _ENDING.sub("i", _IYA_ENDING.sub("ia", folded)))
    return _DOUBLED.sub(r"\1", folded)


def _fixed_point(step: Callable[[str], str], token: str) -> str:
    """Apply a fold until it changes nothing: one fold's output may be another's input."""
    previous = ""
    while token != previous:
        previous, token = token, step(token)
    return token


_ENGLISH = snowballstemmer.stemmer("english")


@lru_cache(maxsize=500_000)
def stem(token: str) -> str:
    """The English stem, for the business words of company names ('services', 'trading')."""
    return str(_ENGLISH.stemWord(token))


_SOUND = str.maketrans({"c": "k", "q": "k", "z": "s", "y": "i", "w": "v"})


@lru_cache(maxsize=500_000)
def sound(token: str) -> str:
    """A coarse sound fold for short tokens that metaphone leaves alone ('Zam'/'Sam', 'Riu'/'Ryu')."""
    folded = token.replace("ph", "f").replace("kh", "h").translate(_SOUND)
    return "".join(ch for i, ch in enumerate(folded) if i == 0 or ch != folded[i - 1])


def deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def lookup_keys(token: str) -> list[str]:
    """Keys under which a token is indexed and looked up (both sides use the same keys).

    A token and its one-letter deletions share one key space, so an inserted, dropped, changed or
    swapped letter on either side still meets the other spelling under some key.
    """
    keys = [f"~{token}"]
    shape = visual(token)
    if shape != token:
        keys.append(f"~{shape}")
    if len(token) >= 4:
        keys.extend(f"~{d}" for d in deletions(token))
    skel = skeleton(token)
    if len(skel) >= 2:
        keys.append(f"#{skel}")
    spelling = romanized(token)
    if spelling != token and len(token) >= 3:
        keys.append(f"~{spelling}")
        folded_skel = skeleton(spelling)
        if folded_skel != skel and len(folded_skel) >= 2:
            keys.append(f"#{folded_skel}")
    code = phonetic(token)
    if len(code) >= 2:
        keys.append(f"^{code}")
    if len(token) >= 2:
        keys.append(f"@{sound(token)}")
    return keys


def abjad_key(token: str) -> str | None:
    """The key under which a reading of Arabic script finds the romanizations of its consonant frame
    (indexed for every listed token, looked up for queries read from Arabic script only)."""
    frame = abjad(token)
    return f"%{frame}" if len(frame) >= 2 else None


def _allowed_edits(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    if length <= 9:
        return 2
    return 3


@lru_cache(maxsize=1_000_000)
def token_similarity(query: str, listed: str) -> float:
    """0..1 similarity of two ASCII tokens; 0 when they are simply different.

    Edits cost more on short tokens (one letter changes 'Wang' into 'Kang', a different name),
    and the looser rules (consonant skeleton, phonetic code) only apply to tokens long enough
    for them to be specific.
    """
    if query == listed:
        return 1.0
    if visual(query) == visual(listed):
        return VISUAL
    if _korean_syllables(query, listed):
        return ROMANIZED
    lq, ll = len(query), len(listed)
    shorter, longer = min(lq, ll), max(lq, ll)
    if shorter >= 2 and _vowels_dropped(query, listed):
        return VOWELLESS
    if shorter <= 2:
        # An initial or a cut-off in the query ('B.', 'Fa') supports a match when it starts the listed
        # token; a listed initial ('A.A. Raspletin') likewise. A listed two-letter token ('Co') is a word.
        if lq < ll and listed.startswith(query):
            return INITIAL
        if ll == 1 and lq > 1 and query.startswith(listed):
            return INITIAL
        return 0.0
    best = 0.0
    allowed = _allowed_edits(shorter)
    if allowed:
        distance = OSA.distance(query, listed, score_cutoff=allowed)
        if distance <= allowed:
            best = 1.0 - EDIT_COST * distance / (longer + 1)
    if lq >= 3 and ll > lq and listed.startswith(query):
        best = max(best, PREFIX * (0.8 + 0.2 * lq / ll))
    elif ll >= 3 and lq > ll and query.startswith(listed):
        best = max(best, PREFIX * (0.8 + 0.2 * ll / lq))
    if best < STEM and shorter >= 5 and stem(query) == stem(listed):
        best = STEM
    if best < ROMANIZED and shorter >= 5:
        best = max(best, _romanized_similarity(query, listed))
    if best < VOWELLESS:
        best = max(best, _loose(query, listed))
    return best if best >= FLOOR else 0.0


# Korean and Chinese schemes differ in how they write one syllable's initial: McCune-Reischauer and
# Wade-Giles write unaspirated consonants voiceless (Kim, Taesong, Chong, Teng), Revised Romanization
# and pinyin voiced (Gim, Daesong, Jeong, Deng); aspirated ones are 'ph'/'th'/'kh' in the DPRK's
# style, "p'"/"t'" in MR (the apostrophe dropped); RR writes ㅓ/ㅡ as 'eo'/'eu' where MR has o/u.
_VOICED_INITIAL = str.maketrans({"g": "k", "d": "t", "b": "p", "j": "c"})
_ASPIRATED_INITIAL = ("ph", "th", "kh", "ch", "sh")


@lru_cache(maxsize=200_000)
def syllable_fold(token: str) -> str:
    """One spelling for a Korean or Chinese syllable (or syllables written together) across schemes:
    'Daeseong' / 'Taesong', 'Jo' / 'Cho', 'Gyeong' / 'Kyong', 'Thae' / 'Tae'. Compared, never shown."""
    return _fixed_point(_syllable_step, token)  # 'eeo' -> 'eo' -> 'o'


def _syllable_step(folded: str) -> str:
    folded = folded.replace("eo", "o").replace("eu", "u").replace("oo", "u")
    folded = folded[0] + folded[2:] if folded.startswith(_ASPIRATED_INITIAL) else folded
    return folded[:1].translate(_VOICED_INITIAL) + folded[1:]


def syllable_similarity(query: str, listed: str) -> float:
    """Similarity for a query spelled by us from syllables (Hangul, Chinese): it has no typos, so
    only the same syllables, in this or another romanization scheme, match."""
    if query == listed:
        return 1.0
    return ROMANIZED if syllable_fold(query) == syllable_fold(listed) else 0.0


# Arabic script writes consonants and long vowels only, and the long vowels as the consonants w and y:
# ICU reads 'العولقي' as 'alʿwlqy' where the lists write 'AULAQI'. What both spellings share is the
# consonant frame, once w/y count as vowels and letters the romanizations of one Arabic letter differ
# in are folded (q/k/g, th/t, dh/z/d, sh/s, kh/h, gh/g).
_ABJAD_DIGRAPHS = (("th", "t"), ("dh", "d"), ("sh", "s"), ("kh", "h"), ("gh", "g"), ("ph", "f"))
_ABJAD_LETTERS = str.maketrans(
    {"q": "k", "g": "k", "c": "k", "z": "d", "p": "b", "v": "f", **dict.fromkeys("aeiouwy")}
)  # folded, and the vowels (w and y among them) dropped
ABJAD = 0.7  # same consonant frame, the query read from Arabic script


@lru_cache(maxsize=200_000)
def abjad(token: str) -> str:
    """The consonant frame an Arabic-script spelling and a romanization of one name share:
    'alwlqy' / 'aulaqi' -> 'lk', 'nasr' / 'nasser' -> 'nsr'. Compared, never shown."""
    return _fixed_point(_abjad_step, token)  # 'zh' -> 'dh' -> 'd', 'tah' -> 'th' -> 't'


def _abjad_step(token: str) -> str:
    for written, sound_ in _ABJAD_DIGRAPHS:
        if written in token:
            token = token.replace(written, sound_)
    return _DOUBLED.sub(r"\1", token.translate(_ABJAD_LETTERS))


@lru_cache(maxsize=1_000_000)
def abjad_similarity(query: str, listed: str) -> float:
    """Similarity for a query read from Arabic script: the Latin rules, or at least ABJAD when the
    consonant frames agree (the script does not write short vowels, nor the romanization's w and y)."""
    best = token_similarity(query, listed)
    if best < ABJAD and len(frame := abjad(query)) >= 2 and frame == abjad(listed):
        return ABJAD
    return best


def _korean_syllables(query: str, listed: str) -> bool:
    """Two Latin words that are one Korean syllable in two romanization schemes ('Cho' / 'Jo',
    'Bom' / 'Pom'): only words that some scheme writes for a Hangul syllable qualify."""
    spellings = korean_syllable_spellings()
    return query in spellings and listed in spellings and syllable_fold(query) == syllable_fold(listed)


def _romanized_similarity(query: str, listed: str) -> float:
    """Similarity of the two spellings once romanization differences are folded away."""
    rq, rl = romanized(query), romanized(listed)
    if rq == query and rl == listed:
        return 0.0
    if rq == rl:
        return ROMANIZED
    # Folding already made the spellings closer: allow one edit fewer than between raw spellings.
    allowed = _allowed_edits(min(len(rq), len(rl))) - 1
    if allowed <= 0:
        return 0.0
    distance = OSA.distance(rq, rl, score_cutoff=allowed)
    if distance > allowed:
        return 0.0
    return ROMANIZED * (1.0 - EDIT_COST * distance / (max(len(rq), len(rl)) + 1))


def _vowels_dropped(a: str, b: str) -> bool:
    """One token is the other with some vowels left out ('Sna' / 'Sina', 'Yn' / 'Yan')."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(short) == len(long) or short[0] != long[0]:
        return False
    position = 0
    for ch in long:
        if position < len(short) and ch == short[position]:
            position += 1
        elif ch not in _VOWELS:
            return False
    return position == len(short)


def _same_romanized_skeleton(query: str, listed: str) -> bool:
    """Consonants agree once romanizations are folded ('Alexander' / 'Alyaksandr'); only for long
    skeletons, as 'y' then counts as a vowel and short Korean syllables would all look alike."""
    folded = skeleton(romanized(query))
    return len(folded) >= 5 and folded == skeleton(romanized(listed))


def _loose(query: str, listed: str) -> float:
    skel = skeleton(query)
    if len(skel) >= 2 and (skel == skeleton(listed) or _same_romanized_skeleton(query, listed)):
        if not _VOWELS.intersection(query) or not _VOWELS.intersection(listed):
            return VOWELLESS
        if len(skel) >= 3 and abs(len(query) - len(listed)) <= 3:
            return SKELETON
    code = phonetic(query)
    if len(code) >= 3 and code == phonetic(listed):
        return PHONETIC
    if len(query) >= 3 and sound(query) == sound(listed):
        return PHONETIC
    return 0.0

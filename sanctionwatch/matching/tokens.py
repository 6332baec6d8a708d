"""Similarity of two name tokens, and the keys under which a token is found despite spelling changes.

The similarity rules themselves are compiled (_kernel.pyx, where each level is documented); this
module computes what they compare: a token's folds (visual shape, consonant skeleton, romanization,
metaphone, stem, syllable and consonant-frame folds), once per token, as a Shape.

The keys are what makes retrieval tolerant without scanning the whole list: a token is indexed
under itself, under every string one deletion away (typos, OCR slips, transpositions and doubled
letters meet at a shared deletion), under its consonant skeleton (dropped vowels, and most vowel
differences between romanizations: Muhammad / Mohammed / Mhmmd), and under a phonetic code
(_kernel.key_hashes derives them from the Shape).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import IntEnum
from functools import lru_cache

import snowballstemmer
from rigour.text.phonetics import metaphone

from sanctionwatch.matching._kernel import Shape, similarity, use_folds
from sanctionwatch.matching.translit import family_name_groups, korean_syllable_spellings


class Spelling(IntEnum):
    """How a query form was spelled, which decides what counts as the same word (_kernel.similarity)."""

    LATIN = 0  # typed in Latin letters: typos, romanization variants, sound-alikes
    SYLLABIC = 1  # spelled by us from Hangul or Chinese: no typos, only another scheme's syllable
    ABJAD = 2  # read by us from Arabic script: short vowels unwritten, the consonant frame counts


_VOWELS = frozenset("aeiou")


def skeleton(token: str) -> str:
    """Consonants in order (y counts as one), doubled letters collapsed: 'mohammed' -> 'mhmd'."""
    out: list[str] = []
    for ch in token:
        if ch in _VOWELS or not ch.isalpha():
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def phonetic(token: str) -> str:
    return metaphone(token) if len(token) >= 3 and token.isalpha() else ""


_VISUAL = str.maketrans({"l": "i", "1": "i", "j": "i", "0": "o", "5": "s", "8": "b", "6": "g"})


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
_ENGLISH.maxCacheSize = 0  # the Shape keeps each token's stem; the stemmer's own cache only churns


def stem(token: str) -> str:
    """The English stem, for the business words of company names ('services', 'trading')."""
    return str(_ENGLISH.stemWord(token))


_SOUND = str.maketrans({"c": "k", "q": "k", "z": "s", "y": "i", "w": "v"})


def sound(token: str) -> str:
    """A coarse sound fold for short tokens that metaphone leaves alone ('Zam'/'Sam', 'Riu'/'Ryu')."""
    folded = token.replace("ph", "f").replace("kh", "h").translate(_SOUND)
    return "".join(ch for i, ch in enumerate(folded) if i == 0 or ch != folded[i - 1])


# Korean and Chinese schemes differ in how they write one syllable's initial: McCune-Reischauer and
# Wade-Giles write unaspirated consonants voiceless (Kim, Taesong, Chong, Teng), Revised Romanization
# and pinyin voiced (Gim, Daesong, Jeong, Deng); aspirated ones are 'ph'/'th'/'kh' in the DPRK's
# style, "p'"/"t'" in MR (the apostrophe dropped); RR writes ㅓ/ㅡ as 'eo'/'eu' where MR has o/u.
_VOICED_INITIAL = str.maketrans({"g": "k", "d": "t", "b": "p", "j": "c"})
_ASPIRATED_INITIAL = ("ph", "th", "kh", "ch", "sh")


def syllable_fold(token: str) -> str:
    """One spelling for a Korean or Chinese syllable (or syllables written together) across schemes:
    'Daeseong' / 'Taesong', 'Jo' / 'Cho', 'Gyeong' / 'Kyong', 'Thae' / 'Tae'. Compared, never shown."""
    return _fixed_point(_syllable_step, token)  # 'eeo' -> 'eo' -> 'o'


def _syllable_step(folded: str) -> str:
    folded = folded.replace("eo", "o").replace("eu", "u").replace("oo", "u")
    folded = folded[0] + folded[2:] if folded.startswith(_ASPIRATED_INITIAL) else folded
    return folded[:1].translate(_VOICED_INITIAL) + folded[1:]


# Arabic script writes consonants and long vowels only, and the long vowels as the consonants w and y:
# ICU reads 'العولقي' as 'alʿwlqy' where the lists write 'AULAQI'. What both spellings share is the
# consonant frame, once w/y count as vowels and letters the romanizations of one Arabic letter differ
# in are folded (q/k/g, th/t, dh/z/d, sh/s, kh/h, gh/g).
_ABJAD_DIGRAPHS = (("th", "t"), ("dh", "d"), ("sh", "s"), ("kh", "h"), ("gh", "g"), ("ph", "f"))
_ABJAD_LETTERS = str.maketrans(
    {"q": "k", "g": "k", "c": "k", "z": "d", "p": "b", "v": "f", **dict.fromkeys("aeiouwy")}
)  # folded, and the vowels (w and y among them) dropped


def abjad(token: str) -> str:
    """The consonant frame an Arabic-script spelling and a romanization of one name share:
    'alwlqy' / 'aulaqi' -> 'lk', 'nasr' / 'nasser' -> 'nsr'. Compared, never shown."""
    return _fixed_point(_abjad_step, token)  # 'zh' -> 'dh' -> 'd', 'tah' -> 'th' -> 't'


def _abjad_step(token: str) -> str:
    for written, sound_ in _ABJAD_DIGRAPHS:
        if written in token:
            token = token.replace(written, sound_)
    return _DOUBLED.sub(r"\1", token.translate(_ABJAD_LETTERS))


SHAPE_CACHE = 500_000  # tokens whose folds are kept (a few hundred bytes each)


@lru_cache(maxsize=SHAPE_CACHE)
def token_shape(token: str) -> Shape:
    """A token with the folds the similarity rules and the lookup keys compare, each computed once.

    The stem, the syllable fold and the consonant frame are computed when a rule first asks for them
    (most pairs are decided before); the others serve the lookup keys too.
    """
    spelling = romanized(token)
    return Shape(
        token,
        visual(token),
        token in korean_syllable_spellings(),
        spelling,
        skeleton(token),
        skeleton(spelling),
        phonetic(token),
        sound(token),
        not _VOWELS.isdisjoint(token),
        family_name_groups().get(token),
    )


def token_similarity(query: str, listed: str) -> float:
    """0..1 similarity of two tokens typed in Latin letters; 0 when they are simply different.

    Edits cost more on short tokens (one letter changes 'Wang' into 'Kang', a different name),
    and the looser rules (consonant skeleton, phonetic code) only apply to tokens long enough
    for them to be specific.
    """
    return similarity(token_shape(query), token_shape(listed), Spelling.LATIN)


def syllable_similarity(query: str, listed: str) -> float:
    """Similarity for a query spelled by us from syllables (Hangul, Chinese): it has no typos, so
    only the same syllables, in this or another romanization scheme, match."""
    return similarity(token_shape(query), token_shape(listed), Spelling.SYLLABIC)


def abjad_similarity(query: str, listed: str) -> float:
    """Similarity for a query read from Arabic script: the Latin rules, or at least 0.7 when the
    consonant frames agree (the script does not write short vowels, nor the romanization's w and y)."""
    return similarity(token_shape(query), token_shape(listed), Spelling.ABJAD)


use_folds(stem, syllable_fold, abjad)  # the folds the kernel computes on first use

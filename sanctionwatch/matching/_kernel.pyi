"""Types of the compiled kernel (_kernel.pyx)."""

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

def use_folds(
    stem: Callable[[str], str], syllable: Callable[[str], str], abjad: Callable[[str], str]
) -> None: ...

class Shape:
    token: str
    visual: str
    romanized: str
    skeleton: str
    romanized_skeleton: str
    phonetic: str
    sound: str
    korean: bool
    vowels: bool
    families: frozenset[int] | None
    length: int
    @property
    def stem(self) -> str: ...
    @property
    def syllable(self) -> str: ...
    @property
    def abjad(self) -> str: ...
    def __init__(
        self,
        token: str,
        visual: str,
        korean: bool,
        romanized: str,
        skeleton: str,
        romanized_skeleton: str,
        phonetic: str,
        sound: str,
        vowels: bool,
        families: frozenset[int] | None = None,
    ) -> None: ...

def similarity(query: Shape, listed: Shape, spelling: int) -> float: ...
def osa_distance(a: str, b: str, cutoff: int) -> int: ...
def token_votes(
    query: Shape,
    token_ids: list[int],
    shapes: list[Shape],
    weights: npt.NDArray[np.float64],
    cap: float,
    spelling: int,
) -> tuple[list[int], list[float]]: ...
def key_hashes(shape: Shape, abjad: bool) -> list[int]: ...

class KeyTable:
    def __init__(
        self, hashes: npt.NDArray[np.uint64], starts: npt.NDArray[np.int64], tokens: npt.NDArray[np.int32]
    ) -> None: ...
    @staticmethod
    def build(shapes: list[Shape]) -> tuple[Sequence[int], Sequence[int]]: ...
    def tokens_of(self, shape: Shape, abjad: bool) -> list[int]: ...

class VoteCounter:
    def __init__(self, forms: npt.NDArray[np.int32], starts: npt.NDArray[np.int64], size: int) -> None: ...
    def top(  # (reads each group's first two items: index.Votes passes its best and nearest beside them)
        self,
        groups: Sequence[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], float, float]],
        limit: int,
    ) -> list[tuple[int, float]]: ...

class Profile:
    shapes: list[Shape]
    weights: list[float]
    patronymic: list[bool]
    noise: list[bool]
    listed_words: list[bool]
    legal_forms: list[bool]
    @property
    def joined(self) -> str: ...
    @property
    def sorted_joined(self) -> str: ...
    @property
    def family(self) -> int: ...
    def __init__(
        self,
        shapes: list[Shape],
        weights: list[float],
        patronymic: list[bool],
        noise: list[bool],
        listed_words: list[bool],
        legal_forms: list[bool],
        text: str | None = None,
        family_of: Callable[[str], int] | None = None,
    ) -> None: ...

class ListedForms:
    def __init__(
        self,
        shapes: list[Shape],
        weights: list[float],
        noise: list[bool],
        legal_forms: list[bool],
        tokens: npt.NDArray[np.int32],
        starts: npt.NDArray[np.int64],
        texts: list[str],
        family_of: Callable[[str], int],
    ) -> None: ...
    def __len__(self) -> int: ...
    def profile(self, form: int) -> Profile: ...

class Alignment:
    score: float
    query_coverage: float
    listed_coverage: float
    query_credit: list[float]
    listed_credit: list[float]
    query_weights: list[float]
    listed_weights: list[float]
    pairs: list[tuple[int, int, int, int, float]]

def align(query: Profile, listed: Profile, spelling: int, shape_of: Callable[[str], Shape]) -> Alignment: ...
def name_features(
    match: Alignment,
    query: Profile,
    listed: Profile,
    query_is_organization: bool,
    syllabic_query: bool,
    vote_share: float,
    max_weight: float,
) -> list[float]: ...
def score_form(
    query: Profile,
    candidates: list[tuple[int, float]],
    floor: float,
    query_weight: float,
    prefilter: float,
    spelling: int,
    query_is_organization: bool,
    syllabic_query: bool,
    max_weight: float,
    listed_forms: ListedForms,
    shape_of: Callable[[str], Shape],
) -> list[tuple[int, float, Alignment, list[float]]]: ...

class QuadraticModel:
    def __init__(
        self,
        low: npt.NDArray[np.float64],
        high: npt.NDArray[np.float64],
        mean: npt.NDArray[np.float64],
        scale: npt.NDArray[np.float64],
        upper: npt.NDArray[np.float64],
        linear: npt.NDArray[np.float64],
        intercept: float,
        exact_features: list[int],
        exact_floor: float,
    ) -> None: ...
    def logits(self, features: npt.NDArray[np.float64]) -> list[float]: ...
    def logit(self, features: list[float]) -> float: ...
    def contributions(self, features: list[float]) -> list[float]: ...
    def exact(self, features: list[float]) -> bool: ...
    def strongest(self, features: list[float], count: int) -> list[tuple[int, float]]: ...

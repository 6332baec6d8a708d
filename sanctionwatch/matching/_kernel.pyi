"""Types of the compiled kernel (_kernel.pyx)."""

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

class Shape:
    token: str
    visual: str
    syllable: str
    romanized: str
    skeleton: str
    romanized_skeleton: str
    phonetic: str
    sound: str
    stem: str
    abjad: str
    korean: bool
    vowels: bool
    length: int
    def __init__(
        self,
        token: str,
        visual: str,
        korean: bool,
        syllable: str,
        romanized: str,
        skeleton: str,
        romanized_skeleton: str,
        phonetic: str,
        sound: str,
        stem: str,
        abjad: str,
        vowels: bool,
    ) -> None: ...

def similarity(query: Shape, listed: Shape, spelling: int) -> float: ...
def token_votes(
    query: Shape,
    token_ids: list[int],
    shapes: list[Shape],
    weights: npt.NDArray[np.float64],
    cap: float,
    spelling: int,
) -> tuple[list[int], list[float]]: ...

class VoteCounter:
    def __init__(self, forms: npt.NDArray[np.int32], starts: npt.NDArray[np.int64], size: int) -> None: ...
    def top(
        self, groups: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]], limit: int
    ) -> list[tuple[int, float]]: ...

def align(
    query: list[Shape],
    listed: list[Shape],
    q_weights: list[float],
    l_weights: list[float],
    unmatched_factors: list[float],
    spelling: int,
    shape_of: Callable[[str], Shape],
) -> tuple[
    float,
    float,
    float,
    list[float],
    list[float],
    list[float],
    list[float],
    list[tuple[int, int, int, int, float]],
]: ...

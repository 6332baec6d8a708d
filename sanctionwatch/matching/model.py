"""The learned name scorer: a logistic regression over the pair features and the secondary evidence.

Why learned: how much an unexplained middle name, a missing legal form or a loose spelling should
cost depends on all the others at once, and hand-set penalties trade alias recall against near-miss
alerts badly. A logistic regression on quadratic terms of the standardised name features (plus one
linear weight per kind of evidence: same birth date, other country ...) keeps that interplay and
stays transparent: every score is a sum of per-feature contributions an analyst can read.

The coefficients live in `name_model.json` beside this module. `bench/train_scorer.py` fits them on
the development benchmark (queries with known answers) and prints cross-validated figures; the
model file records what it was trained on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sanctionwatch.matching import _kernel
from sanctionwatch.matching.evidence import EvidenceKind
from sanctionwatch.matching.features import NAME_FEATURES
from sanctionwatch.matching.tuning import TUNING

__all__ = ["EVIDENCE_KINDS", "MODEL_FILE", "NameModel", "default_model", "quadratic_terms", "sigmoid"]

MODEL_FILE = Path(__file__).with_name("name_model.json")
# The kinds of secondary evidence the model weighs (evidence.Evidence.kind), in coefficient order.
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = tuple(EvidenceKind)

FloatArray = npt.NDArray[np.float64]

# The floor of a whole listed name matched word for word (tuning.Tuning.exact_name_score says why).
_EXACT_NAME_LOGIT = math.log(TUNING.exact_name_score / (1.0 - TUNING.exact_name_score))
_EXACT_FEATURES = [NAME_FEATURES.index(f) for f in ("query_coverage", "listed_coverage", "exact_share")]


def quadratic_terms(standardised: FloatArray) -> FloatArray:
    """Rows of [x_1 .. x_n, x_i * x_j for i <= j]: the terms the name weights apply to."""
    n = standardised.shape[1]
    upper_i, upper_j = np.triu_indices(n)
    return np.hstack([standardised, standardised[:, upper_i] * standardised[:, upper_j]])


@dataclass(frozen=True)
class NameModel:
    mean: FloatArray  # per name feature, for standardising
    scale: FloatArray
    weights: FloatArray  # per quadratic term
    intercept: float
    evidence: Mapping[str, float]  # logit added per kind of evidence
    # The range of each feature in the training pairs. A pair outside it (a name of twelve words) is
    # clipped to it: quadratic terms extrapolated beyond the data can say anything.
    low: FloatArray
    high: FloatArray
    trained_on: str = ""
    _compiled: _kernel.QuadraticModel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The quadratic weights as one upper-triangular matrix: z.W.z costs n squared products.
        n = len(self.mean)
        upper = np.zeros((n, n))
        upper[np.triu_indices(n)] = self.weights[n:]
        compiled = _kernel.QuadraticModel(
            self.low,
            self.high,
            self.mean,
            self.scale,
            upper,
            self.weights[:n].copy(),
            self.intercept,
            _EXACT_FEATURES,
            _EXACT_NAME_LOGIT,
        )
        object.__setattr__(self, "_compiled", compiled)

    def name_logits(self, features: FloatArray) -> FloatArray:
        """Logit of the name match for each row of NAME_FEATURES (evidence not included), at least
        the exact-name floor for a whole listed name matched word for word."""
        rows = np.ascontiguousarray(np.atleast_2d(features), dtype=np.float64)
        return np.asarray(self._compiled.logits(rows), dtype=np.float64)

    def exact_name(self, features: Sequence[float]) -> bool:
        """Is this pair (NAME_FEATURES) a whole listed name matched word for word (Tuning.exact_name_score)?"""
        return bool(self._compiled.exact(features if isinstance(features, list) else list(features)))

    def name_logit(self, features: list[float]) -> float:
        """name_logits of one pair, without the array round trip (the screener's per-pair call)."""
        return self._compiled.logit(features)

    def evidence_logit(self, kinds: Sequence[str]) -> float:
        return sum(self.evidence.get(kind, 0.0) for kind in kinds)

    def contributions(self, features: Sequence[float]) -> dict[str, float]:
        """Each name feature's share of the logit: its linear term plus half of every product it is in.

        (Before the floor for exact names: name_logits is the intercept plus these, or the floor.)"""
        shares = self._compiled.contributions([float(f) for f in features])
        return dict(zip(NAME_FEATURES, shares, strict=True))

    def strongest_contributions(self, features: list[float], count: int) -> dict[str, float]:
        """The `count` contributions largest in size, largest first: what an explanation shows."""
        return {NAME_FEATURES[k]: share for k, share in self._compiled.strongest(features, count)}

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(NAME_FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "low": self.low.tolist(),
            "high": self.high.tolist(),
            "weights": self.weights.tolist(),
            "intercept": self.intercept,
            "evidence": dict(self.evidence),
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NameModel:
        if list(data["features"]) != list(NAME_FEATURES):
            raise ValueError(
                "name model was trained on other features; retrain it with bench/train_scorer.py"
            )
        return cls(
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            low=np.asarray(data["low"], dtype=np.float64),
            high=np.asarray(data["high"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            intercept=float(data["intercept"]),
            evidence={str(k): float(v) for k, v in data["evidence"].items()},
            trained_on=str(data.get("trained_on", "")),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


@cache
def default_model() -> NameModel:
    """The model shipped with the package."""
    return NameModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


def sigmoid(logit: float) -> float:
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    e = math.exp(logit)
    return e / (1.0 + e)

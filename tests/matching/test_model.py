"""The learned name model: its file agrees with the features, its weights point the right way."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.matching.features import NAME_FEATURES
from sanctionwatch.matching.model import (
    NameModel,
    default_model,
    quadratic_terms,
    sigmoid,
)
from sanctionwatch.matching.tuning import TUNING


def test_shipped_model_matches_the_feature_list() -> None:
    model = default_model()
    assert len(model.mean) == len(NAME_FEATURES)
    assert len(model.weights) == quadratic_terms(np.zeros((1, len(NAME_FEATURES)))).shape[1]


def test_evidence_weights_have_the_expected_signs() -> None:
    weights = default_model().evidence
    assert weights["birth_date_same"] > weights["birth_year_fits"] > 0
    assert weights["birth_date_far"] < weights["birth_date_near"] <= 0.5
    assert weights["birth_date_far"] < -1.0  # a namesake born years apart must fall below the threshold
    assert weights["schema_other"] < 0
    assert weights["country_linked"] > weights["country_other"]


def test_a_rename_of_the_features_is_refused() -> None:
    data = default_model().to_json()
    data["features"] = [*data["features"][:-1], "renamed"]
    with pytest.raises(ValueError, match="retrain"):
        NameModel.from_json(data)


def inexact_row(model: NameModel, standardised: list[float]) -> np.ndarray:
    """A feature row at these standardised values, not an exact name (so no floor applies)."""
    features = np.asarray(standardised) * model.scale + model.mean
    features[NAME_FEATURES.index("exact_share")] = 0.5
    return features


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=len(NAME_FEATURES), max_size=len(NAME_FEATURES)))
def test_contributions_add_up_to_the_logit(values: list[float]) -> None:
    model = default_model()
    features = inexact_row(model, values)
    logit = float(model.name_logits(features[None, :])[0])
    assert sum(model.contributions(features).values()) + model.intercept == pytest.approx(logit, abs=1e-6)
    assert 0.0 <= sigmoid(logit) <= 1.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=len(NAME_FEATURES), max_size=len(NAME_FEATURES)))
def test_the_strongest_contributions_are_the_largest_in_size(values: list[float]) -> None:
    model = default_model()
    features = inexact_row(model, values).tolist()
    shares = model.contributions(features)
    expected = sorted(shares, key=lambda name: -abs(shares[name]))[:5]  # stable: ties in feature order
    strongest = model.strongest_contributions(features, 5)
    assert list(strongest) == expected
    assert all(strongest[name] == pytest.approx(shares[name]) for name in expected)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-4, 4), min_size=len(NAME_FEATURES), max_size=len(NAME_FEATURES)))
def test_the_compiled_logit_is_the_fitted_regression(values: list[float]) -> None:
    """The screener's logit (compiled) is the intercept plus the fitted weights on the terms trained on."""
    model = default_model()
    features = inexact_row(model, values)
    z = (np.clip(features, model.low, model.high) - model.mean) / model.scale
    expected = float((quadratic_terms(z[None, :]) @ model.weights)[0]) + model.intercept
    assert model.name_logits(features[None, :])[0] == pytest.approx(expected, abs=1e-9)
    assert model.name_logit(features.tolist()) == pytest.approx(expected, abs=1e-9)


def test_sigmoid_is_stable_at_the_extremes() -> None:
    assert sigmoid(-1000) == 0.0 and sigmoid(1000) == 1.0 and sigmoid(0) == 0.5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=len(NAME_FEATURES), max_size=len(NAME_FEATURES)))
def test_an_exact_name_never_scores_below_the_floor(values: list[float]) -> None:
    model = default_model()
    features = np.asarray(values) * model.scale + model.mean
    for name in ("query_coverage", "listed_coverage", "exact_share"):
        features[NAME_FEATURES.index(name)] = 1.0
    assert model.exact_name(features.tolist())
    assert sigmoid(float(model.name_logits(features[None, :])[0])) >= TUNING.exact_name_score - 1e-9


def test_features_outside_the_training_range_are_clipped() -> None:
    model = default_model()
    inside = model.high.copy()
    beyond = inside + 100.0
    assert model.name_logits(beyond[None, :])[0] == pytest.approx(model.name_logits(inside[None, :])[0])

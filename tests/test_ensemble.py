"""imbtune.ensemble: greedy selection, its cross-fitting, ImbalancedEnsemble."""

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from imbtune.ensemble import crossfit_ensemble_oof, greedy_weights
from imbtune.metrics import get_metric


def _candidates(seed=0, n=900):
    """Two informative, partly independent scorers and one pure-noise one."""
    rng = np.random.RandomState(seed)
    y = (rng.rand(n) < 0.1).astype(int)
    a = 1.0 * y + rng.normal(0, 1, n)
    b = 1.0 * y + rng.normal(0, 1, n)
    noise = rng.normal(0, 1, n)

    def proba(score):
        p = 1 / (1 + np.exp(-score))
        return np.column_stack([1 - p, p])

    oofs = np.stack([proba(a), proba(b), proba(noise)])
    folds = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(a, y))
    return oofs, y, folds


def test_greedy_blends_complementary_models_and_drops_noise():
    oofs, y, folds = _candidates()
    metric = get_metric("pr_auc")
    groups = [v for _, v in folds]
    weights = greedy_weights(oofs, y, groups, metric, pos=1, rounds=10)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[2] == 0  # noise never helps
    assert weights[0] > 0 and weights[1] > 0
    blend = np.tensordot(weights, oofs, axes=1)
    best_single = max(np.mean([metric.score_proba(y[g], o[g], 1) for g in groups])
                      for o in oofs)
    assert np.mean([metric.score_proba(y[g], blend[g], 1) for g in groups]) > best_single
    one = greedy_weights(oofs, y, groups, metric, pos=1, rounds=1)
    assert np.count_nonzero(one) == 1


def test_each_fold_is_blended_with_weights_chosen_without_it():
    """Relabelling fold k's rows must not change how fold k is blended."""
    oofs, y, folds = _candidates(seed=1)
    metric = get_metric("pr_auc")
    blended = crossfit_ensemble_oof(oofs, y, folds, metric, pos=1, rounds=8)
    for k, (_, valid) in enumerate(folds):
        y_changed = y.copy()
        y_changed[valid] = np.random.RandomState(k).permutation(y[valid])
        y_changed[valid[:5]] = 1 - y_changed[valid[:5]]
        again = crossfit_ensemble_oof(oofs, y_changed, folds, metric, pos=1, rounds=8)
        np.testing.assert_array_equal(again[valid], blended[valid])
    # and rows are convex combinations of the candidates
    np.testing.assert_allclose(blended.sum(axis=1), 1.0)

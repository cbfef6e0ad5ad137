"""A user's dicts keyed by class labels reach imbtune's encoded y rightly."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline as make_imblearn_pipeline
from imblearn.under_sampling import EditedNearestNeighbours, RandomUnderSampler
from sklearn.linear_model import LogisticRegression

from imbtune import ClassifierSpec, ImbalancedSearchCV, ResamplerSpec
from imbtune._labels import encoded_spec

from .conftest import counting, small_imbalanced


def test_label_keyed_dicts_are_keyed_by_the_codes():
    spec = ResamplerSpec("ros", RandomOverSampler(sampling_strategy={"suspect": 600}))
    encoded = encoded_spec(spec, np.array(["normal", "pathological", "suspect"]))
    assert encoded.sampler.sampling_strategy == {2: 600}
    assert spec.sampler.sampling_strategy == {"suspect": 600}  # the template is untouched
    nested = ResamplerSpec("chain", make_imblearn_pipeline(
        RandomUnderSampler(sampling_strategy={1: 50}), SMOTE(sampling_strategy={3: 40})))
    encoded = encoded_spec(nested, np.array([1, 2, 3]))
    assert encoded.sampler.get_params()["randomundersampler__sampling_strategy"] == {0: 50}
    assert encoded.sampler.get_params()["smote__sampling_strategy"] == {2: 40}
    model = ClassifierSpec("lr", LogisticRegression(class_weight={np.int64(1): 1, 3: 20}))
    assert encoded_spec(model, np.array([1, 2, 3])).estimator.class_weight == {0: 1, 2: 20}
    plain = ClassifierSpec("lr", LogisticRegression(class_weight="balanced"))
    assert encoded_spec(plain, np.array([1, 2, 3])) is plain
    # a cleaning sampler names the classes to clean in a list
    cleaner = ResamplerSpec("enn", EditedNearestNeighbours(sampling_strategy=["suspect"]))
    encoded = encoded_spec(cleaner, np.array(["normal", "pathological", "suspect"]))
    assert encoded.sampler.sampling_strategy == [2]
    with pytest.raises(ValueError, match=r"Resampler 'ros': its sampling_strategy names "
                                         r"'suspect', which is not a class of y "
                                         r"\(\[0, 1\]\); name classes by y's own labels"):
        encoded_spec(spec, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"its sampling_strategy names 'suspect'"):
        encoded_spec(cleaner, np.array([0, 1]))


def test_a_sampling_strategy_of_the_user_s_labels_grows_that_class(quiet):
    # With labels 1, 2, 3, {2: 150} grew the class coded 2: label 3.
    rng = np.random.RandomState(0)
    y = pd.Series(np.repeat([1, 2, 3], [200, 40, 30]))
    X = pd.DataFrame(rng.normal(size=(len(y), 3)) + y.to_numpy()[:, None], columns=list("abc"))
    over = counting(RandomOverSampler, 3)
    search = ImbalancedSearchCV(
        resamplers=[ResamplerSpec("ros", over(sampling_strategy={2: 150}))],
        classifiers=["logreg"], cost_weighting=False, n_trials=1, cv=3, n_repeats=1,
        random_state=0,
    ).fit(X, y)
    assert len(over.calls) >= 3
    for _, counts in over.calls:
        assert counts[1] == 150 and counts[2] < 30  # label 2 grown, label 3 as it was
    assert search.best_score_ > 0


def test_a_cleaning_sampler_s_list_of_the_user_s_labels_cleans_that_class(quiet):
    # With labels 1, 2, 3, ENN(sampling_strategy=[2]) cleaned label 3.
    rng = np.random.RandomState(1)
    y = pd.Series(np.repeat([1, 2, 3], [200, 60, 60]))
    X = pd.DataFrame(rng.normal(size=(len(y), 3)) + 0.7 * y.to_numpy()[:, None],
                     columns=list("abc"))
    cleaner = counting(EditedNearestNeighbours, 3)
    ImbalancedSearchCV(
        resamplers=[ResamplerSpec("my_enn", cleaner(sampling_strategy=[2]))],
        classifiers=["logreg"], cost_weighting=False, n_trials=1, cv=3, n_repeats=1,
        random_state=0,
    ).fit(X, y)
    assert len(cleaner.calls) >= 3
    for before, after in cleaner.calls:
        assert after[1] < before[1]  # label 2 cleaned
        assert after[0] == before[0] and after[2] == before[2]


def test_a_dict_keyed_by_a_label_y_lacks_is_refused_before_any_trial():
    X, y = small_imbalanced()
    y = np.where(y == 1, "diabetic", "healthy")
    search = ImbalancedSearchCV(
        classifiers=[ClassifierSpec("lr", LogisticRegression(class_weight={0: 1, 1: 9}))],
        resamplers=["none"], n_trials=2, cv=3, random_state=0,
    )
    with pytest.raises(ValueError, match=r"Classifier 'lr': its class_weight names 0, "
                                         r"which is not a class of y \(\['diabetic', "
                                         r"'healthy'\]\)"):
        search.fit(X, y)
    assert not hasattr(search, "study_")

"""imbtune.resamplers: relative ratios, k clamping, categorical variants."""

import numpy as np
import pytest
import scipy.sparse as sp
from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC
from imblearn.under_sampling import EditedNearestNeighbours, NearMiss, TomekLinks
from optuna.distributions import IntDistribution
from sklearn.base import clone
from sklearn.preprocessing import OneHotEncoder

from imbtune.exceptions import InsufficientMinorityError
from imbtune.preprocessing import TabularEncoder
from imbtune.resamplers import (
    RESAMPLERS,
    BlockDecodingOneHotEncoder,
    ResampleContext,
    ResamplerSpec,
    get_resampler_spec,
    over_sampling_targets,
    under_sampling_targets,
)


def _fold(counts, n_features=3, categorical=(), seed=0):
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    X = rng.normal(size=(len(y), n_features)) + y[:, None]
    mask = np.zeros(n_features, bool)
    for j in categorical:
        X[:, j] = rng.randint(0, 4, len(y))
        mask[j] = True
    return X, y, mask


def test_relative_targets():
    counts = np.array([900, 100, 10])
    assert over_sampling_targets(counts, 1.0) == {1: 900, 2: 900}
    assert over_sampling_targets(counts, 0.5) == {1: 500, 2: 455}
    assert under_sampling_targets(counts, 1.0) == {0: 10, 1: 10, 2: 10}
    assert under_sampling_targets(counts, 0.5) == {0: 455, 1: 55, 2: 10}
    assert over_sampling_targets(np.array([5, 5]), 1.0) == {}


@pytest.mark.parametrize("name", sorted(RESAMPLERS))
@pytest.mark.parametrize("counts", [[200, 20], [150, 40, 12]])
def test_every_builtin_runs_and_moves_counts_the_right_way(name, counts):
    X, y, mask = _fold(counts)
    spec = RESAMPLERS[name]
    ctx = ResampleContext(y, len(counts), mask, random_state=0)
    sampler = spec.build({"ratio": 0.5} if "ratio" in spec.space else {}, ctx)
    if sampler is None:
        assert name == "none"
        return
    X_res, y_res = sampler.fit_resample(X, y)
    new = np.bincount(y_res, minlength=len(counts))
    kind = getattr(spec, "kind", None)
    if kind == "over" and name not in ("smote_enn", "smote_tomek"):
        assert new[0] == counts[0]
        assert (new[1:] > np.array(counts[1:])).all()
    elif kind == "under":
        assert new[-1] == counts[-1] and new[0] < counts[0]
    else:  # cleaning never grows a class beyond what over-sampling made
        assert len(y_res) <= len(y) or kind == "over"
    assert X_res.shape[1] == X.shape[1]


def test_k_neighbors_is_clamped_with_a_note():
    X, y, mask = _fold([100, 4])
    ctx = ResampleContext(y, 2, mask, random_state=0)
    sampler = RESAMPLERS["smote"].build({"ratio": 1.0, "k_neighbors": 8}, ctx)
    assert sampler.k_neighbors == 3
    assert any("smote: k_neighbors was lowered" in note for note in ctx.notes)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [100, 100]
    # a plain imblearn SMOTE object given as a resampler is clamped too
    spec = get_resampler_spec(SMOTE(k_neighbors=5))
    assert spec.build({}, ResampleContext(y, 2, mask, 0)).k_neighbors == 3


def test_single_row_class_cannot_be_smoted():
    X, y, mask = _fold([50, 1])
    ctx = ResampleContext(y, 2, mask, random_state=0)
    with pytest.raises(InsufficientMinorityError, match="class 1 has 1 row"):
        RESAMPLERS["smote"].build({"ratio": 1.0}, ctx)


def test_smote_switches_to_smotenc_and_keeps_codes_valid():
    X, y, mask = _fold([200, 20], n_features=3, categorical=(1,))
    ctx = ResampleContext(y, 2, mask, random_state=0)
    sampler = RESAMPLERS["smote"].build({"ratio": 1.0, "k_neighbors": 5}, ctx)
    assert isinstance(sampler, SMOTENC)
    X_res, _ = sampler.fit_resample(X, y)
    assert set(np.unique(X_res[:, 1])) <= set(np.unique(X[:, 1]))
    # all-categorical tables use SMOTEN
    X2, y2, mask2 = _fold([200, 20], n_features=2, categorical=(0, 1))
    sampler2 = RESAMPLERS["smote"].build(
        {"ratio": 1.0}, ResampleContext(y2, 2, mask2, random_state=0)
    )
    assert isinstance(sampler2, SMOTEN)


@pytest.mark.parametrize("name", ["smote", "smote_tomek", "smote_enn"])
@pytest.mark.parametrize("ratio, k", [(0.2, 1), (1.0, 5)])
def test_smotenc_rows_are_imblearns_own(thyroid_mixed, name, ratio, k):
    # The block-decoding encoder only makes SMOTENC faster: the resampled
    # rows are exactly those of imbalanced-learn's SMOTENC with its own encoder.
    X, y = thyroid_mixed
    encoder = TabularEncoder(impute=True).fit(X)
    X_enc, mask, y = encoder.transform(X), encoder.categorical_mask_, y.to_numpy()
    ctx = ResampleContext(y, 2, mask, random_state=3)
    ours = RESAMPLERS[name].build({"ratio": ratio, "k_neighbors": k}, ctx)
    smotenc = ours if name == "smote" else ours.samplers[0]
    assert isinstance(smotenc.categorical_encoder, BlockDecodingOneHotEncoder)
    reference = clone(smotenc).set_params(categorical_encoder=None)
    expected = reference.fit_resample(X_enc, y)
    if name != "smote":
        expected = ours.samplers[1].fit_resample(*expected)
    X_res, y_res = ours.fit_resample(X_enc, y)
    np.testing.assert_array_equal(y_res, expected[1])
    np.testing.assert_array_equal(X_res, expected[0])
    assert (y_res == 1).sum() > (y == 1).sum()


@pytest.mark.parametrize("block_cells", [1, 7, 10_000])
def test_block_decoding_matches_one_hot_encoder(block_cells):
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.choice(["a", "b", "c"], 50), rng.choice(["x", "y"], 50)])
    plain = OneHotEncoder(handle_unknown="ignore").fit(X)
    blocks = BlockDecodingOneHotEncoder(handle_unknown="ignore").fit(X)
    blocks.block_cells = block_cells  # 1 and 7: one or two rows per block
    encoded = plain.transform(X).tolil()
    encoded[3, :3] = 0  # an unknown category decodes to None in both
    encoded = encoded.tocsr()
    decoded = blocks.inverse_transform(encoded)
    np.testing.assert_array_equal(decoded, plain.inverse_transform(encoded))
    assert decoded[3, 0] is None and decoded[4, 0] == X[4, 0]
    np.testing.assert_array_equal(
        blocks.inverse_transform(encoded.toarray()), plain.inverse_transform(encoded)
    )
    with pytest.raises(ValueError, match="0 sample"):  # as OneHotEncoder does
        blocks.inverse_transform(encoded[:0])


def test_cleaning_with_categoricals_returns_original_rows():
    X, y, mask = _fold([200, 30], categorical=(2,))
    ctx = ResampleContext(y, 2, mask, random_state=0)
    for name in ["tomek", "enn"]:
        X_res, y_res = RESAMPLERS[name].build({}, ctx).fit_resample(X, y)
        rows = {tuple(r) for r in X}
        assert all(tuple(r) in rows for r in X_res)
        assert (y_res == 1).sum() == 30  # the minority is never cleaned


def test_numeric_only_resamplers_are_marked():
    assert not RESAMPLERS["adasyn"].handles_categorical
    assert not RESAMPLERS["borderline_smote"].handles_categorical
    assert RESAMPLERS["smote_enn"].handles_categorical


def test_user_spec_and_lookup_errors():
    X, y, mask = _fold([120, 30])
    spec = ResamplerSpec("nearmiss", NearMiss(), space={"n_neighbors": IntDistribution(1, 3)})
    X_res, y_res = spec.build({"n_neighbors": 2}, ResampleContext(y, 2, mask, 0)).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [30, 30]
    with pytest.raises(ValueError, match="has no parameter"):
        spec.build({"k": 2}, ResampleContext(y, 2, mask, 0))
    with pytest.raises(ValueError, match="has no parameter"):
        RESAMPLERS["smote"].build({"neighbours": 2}, ResampleContext(y, 2, mask, 0))
    with pytest.raises(ValueError, match="Unknown resampler 'smoot'"):
        get_resampler_spec("smoot")
    for ratio in (-1, 5, float("nan"), True, "1"):  # -1 did nothing, 5 overshot
        for name in ("smote", "random_under"):
            with pytest.raises(ValueError, match=rf"ratio of resampler '{name}' must be a "
                                                 r"number in \[0, 1\]"):
                RESAMPLERS[name].build({"ratio": ratio}, ResampleContext(y, 2, mask, 0))
    with pytest.raises(TypeError, match="fit_resample"):
        get_resampler_spec(3.0)


def test_adasyn_asked_for_almost_nothing_leaves_the_fold_as_it_is():
    # Pima-like balance: a ratio of 0.01 asks for 3 new rows, and ADASYN's
    # per-row shares of 3 among 130 minority rows all round to zero; imblearn
    # raises, imbtune keeps the fold and says why.
    X, y, mask = _fold([370, 130], seed=1)
    ctx = ResampleContext(y, 2, mask, random_state=0)
    sampler = RESAMPLERS["adasyn"].build({"ratio": 0.01, "n_neighbors": 5}, ctx)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)
    assert any("adasyn" in note and "rounded" in note for note in ctx.notes)
    # a real request still generates rows
    sampler = RESAMPLERS["adasyn"].build({"ratio": 0.5, "n_neighbors": 5}, ctx)
    assert np.bincount(sampler.fit_resample(X, y)[1])[1] > 130


@pytest.mark.parametrize("name", ["smote", "borderline_smote", "adasyn", "smote_tomek"])
def test_k_neighbors_is_clamped_per_class(name):
    # A class of 3 rows lowers its own k to 2, not the k of a class of 60 rows.
    X, y, mask = _fold([200, 60, 3])
    key = "n_neighbors" if name == "adasyn" else "k_neighbors"
    ctx = ResampleContext(y, 3, mask, random_state=0)
    sampler = RESAMPLERS[name].build({"ratio": 1.0, key: 7}, ctx)
    assert any(f"{name}: {key} was lowered, for each class" in note for note in ctx.notes)
    X_res, y_res = sampler.fit_resample(X, y)
    if name == "smote_tomek":  # Tomek links clean after over-sampling
        assert 190 < np.bincount(y_res).min() and np.bincount(y_res).max() <= 200
        return
    assert np.array_equal(X_res[:len(y)], X) and np.array_equal(y_res[:len(y)], y)
    # ADASYN's counts are near the target, not on it.
    assert np.allclose(np.bincount(y_res), 200, atol=5 if name == "adasyn" else 0)
    if name != "smote":
        return
    # Each class's new rows are those of SMOTE with that class's own k.
    for label, k in ((1, 7), (2, 2)):
        own_X, own_y = SMOTE(sampling_strategy={label: 200}, k_neighbors=k,
                             random_state=0).fit_resample(X, y)
        assert np.array_equal(X_res[y_res == label], own_X[own_y == label])


def test_one_sampler_serves_classes_that_share_their_k():
    # Binary, or every class large enough: one sampler, as imbalanced-learn builds it.
    X, y, mask = _fold([200, 60, 30])
    sampler = RESAMPLERS["smote"].build({"ratio": 1.0, "k_neighbors": 5},
                                        ResampleContext(y, 3, mask, random_state=0))
    assert isinstance(sampler, SMOTE) and sampler.sampling_strategy == {1: 200, 2: 200}


def test_a_custom_over_sampler_s_n_neighbors_is_clamped_as_documented():
    from imblearn.over_sampling import ADASYN

    X, y, mask = _fold([100, 6])
    ctx = ResampleContext(y, 2, mask, random_state=0)
    sampler = ResamplerSpec("ada", ADASYN(n_neighbors=12)).build({}, ctx)
    assert sampler.n_neighbors == 5
    assert any("ada: n_neighbors=12 was lowered" in note for note in ctx.notes)
    sampler.fit_resample(X, y)  # was "Expected n_neighbors <= n_samples_fit"
    # An under-sampler's n_neighbors counts over all rows: left as it is.
    assert ResamplerSpec("nm", NearMiss(n_neighbors=12)).build({}, ctx).n_neighbors == 12
    # The built-in's note names its own parameter.
    RESAMPLERS["adasyn"].build({"ratio": 1.0, "n_neighbors": 9}, ctx)
    assert any("adasyn: n_neighbors was lowered" in note for note in ctx.notes)


@pytest.mark.parametrize("name", ["enn", "tomek"])
def test_cleaning_never_touches_a_class_but_the_majority(name):
    # imblearn's "auto" cleans every class but the smallest: ENN took a
    # class of 40 rows to 1 next to a class of 4.
    X, y, mask = _fold([146, 40, 4])
    X = X + np.random.RandomState(1).normal(scale=2.0, size=X.shape)
    ctx = ResampleContext(y, 3, mask, random_state=0)
    _, y_res = RESAMPLERS[name].build({}, ctx).fit_resample(X, y)
    counts = np.bincount(y_res, minlength=3)
    assert counts[1:].tolist() == [40, 4] and counts[0] <= 146


def test_an_object_with_only_fit_resample_is_a_resampler():
    class Duplicate:  # not a scikit-learn estimator: no get_params
        def fit_resample(self, X, y):
            return np.r_[X, X[y == 1]], np.r_[y, y[y == 1]]

    X, y, mask = _fold([120, 30])
    spec = get_resampler_spec(Duplicate())
    _, y_res = spec.build({}, ResampleContext(y, 2, mask, 0)).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [120, 60]
    clone(spec)
    with pytest.raises(ValueError, match="has no get_params/set_params"):
        spec.build({"n": 1}, ResampleContext(y, 2, mask, 0))


def test_cleaning_on_a_sparse_one_hot_view_keeps_the_same_rows(monkeypatch):
    # Past the dense limit, Tomek links and ENN find neighbours on a sparse
    # view: the rows they keep are the same.
    import imbtune.preprocessing as preprocessing
    import imbtune.resamplers as resamplers

    X, y, mask = _fold([200, 30], categorical=(2,))
    X[:, 2] = np.random.RandomState(1).randint(0, 40, len(y))  # many categories
    ctx = ResampleContext(y, 2, mask, random_state=0)
    kept = {name: RESAMPLERS[name].build({}, ctx).fit_resample(X, y) for name in ["tomek", "enn"]}
    views = []

    class Recorded(preprocessing._OneHotColumns):
        def fit_transform(self, X, y=None):
            views.append(super().fit_transform(X))
            return views[-1]

    monkeypatch.setattr(resamplers, "_OneHotColumns", Recorded)
    monkeypatch.setattr(preprocessing, "DENSE_ONE_HOT_LIMIT", 100)
    for name, (X_dense, y_dense) in kept.items():
        X_res, y_res = RESAMPLERS[name].build({}, ctx).fit_resample(X, y)
        assert sp.issparse(views[-1])
        np.testing.assert_array_equal(X_res, X_dense)
        np.testing.assert_array_equal(y_res, y_dense)
        assert len(y_res) < len(y)  # something was cleaned


def test_cleaning_never_removes_a_class_whole():
    # Every minority row shares its categories with majority rows: ENN on
    # "all" classes (smote_enn's cleaning) would remove the class; it keeps
    # its rows instead, and a note says so.
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], [120, 12])
    X = np.column_stack([rng.randint(0, 2, len(y)), rng.randint(0, 2, len(y))]).astype(float)
    mask = np.array([True, True])
    ctx = ResampleContext(y, 2, mask, random_state=0)
    X_res, y_res = RESAMPLERS["smote_enn"].build({"ratio": 0.5, "k_neighbors": 3},
                                                 ctx).fit_resample(X, y)
    assert set(np.unique(y_res)) == {0, 1}
    assert any("smote_enn: cleaning would have removed every row of a class" in note
               for note in ctx.notes)
    rows = {tuple(r) for r in X}
    assert all(tuple(r) in rows for r in X_res)  # SMOTEN keeps to seen categories


def test_adasyn_leaves_a_fold_whose_classes_lie_apart_as_it_is():
    # imbalanced-learn raises "Not any neigbours belong to the majority
    # class"; every ADASYN trial on such data failed.
    from imbtune import ImbalancedPipeline
    from imbtune.exceptions import FallbackWarning

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = np.r_[np.ones(20, int), np.zeros(180, int)]
    X[:20] += 8.0  # the minority far from the rest
    with pytest.warns(FallbackWarning, match="adasyn: no minority row of a training fold had "
                                             "a neighbour of another class"):
        model = ImbalancedPipeline("logreg", resampler="adasyn", cv=3, random_state=0).fit(X, y)
    assert model.score(X, y) == 1.0


def test_svm_smote_whose_support_vectors_are_all_noise_leaves_the_fold_as_it_is():
    # A few rare rows inside the majority: imbalanced-learn raises "All
    # support vectors are considered as noise"; ImbalancedPipeline passed it
    # on raw, and every svm_smote trial failed.
    from imbtune import ImbalancedPipeline
    from imbtune.exceptions import FallbackWarning

    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = np.r_[np.zeros(60, int), np.ones(4, int)]
    with pytest.warns(FallbackWarning, match="svm_smote: in a training fold, every support "
                                             "vector .* generated no rows for that class"):
        ImbalancedPipeline("logreg", resampler="svm_smote", cv=3, random_state=0).fit(X, y)
    # Where it has support vectors to work from, it still generates rows.
    X, y, mask = _fold([100, 30])
    sampler = RESAMPLERS["svm_smote"].build({"ratio": 1.0}, ResampleContext(y, 2, mask, 0))
    assert np.bincount(sampler.fit_resample(X, y)[1]).tolist() == [100, 100]


def test_svm_smote_names_values_too_large_for_its_svm():
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(80, int), np.ones(10, int)]
    X = np.c_[(rng.normal(size=90) + y) * 1e160, rng.normal(size=90)]
    sampler = RESAMPLERS["svm_smote"].build({"ratio": 1.0},
                                            ResampleContext(y, 2, np.zeros(2, bool), 0))
    with pytest.raises(ValueError, match=r"svm_smote's SVM overflowed: it holds values as "
                                         r"large as 2.*e\+160.*Divide those columns"):
        sampler.fit_resample(X, y)


@pytest.mark.parametrize("name, cleaner", [("smote_enn", EditedNearestNeighbours),
                                           ("smote_tomek", TomekLinks)])
def test_smote_then_clean_still_cleans_a_fold_with_nothing_to_generate(name, cleaner):
    # As imbalanced-learn's SMOTEENN: on a balanced fold SMOTE makes nothing
    # and the cleaner still runs (the whole chain was skipped).
    X, y, mask = _fold([100, 98])
    sampler = RESAMPLERS[name].build({"ratio": 0.2}, ResampleContext(y, 2, mask, 0))
    assert sampler is not None
    X_res, y_res = sampler.fit_resample(X, y)
    X_ref, y_ref = cleaner(sampling_strategy="all").fit_resample(X, y)
    np.testing.assert_array_equal(np.bincount(y_res), np.bincount(y_ref))
    assert len(y_res) < len(y)


@pytest.mark.parametrize("name, params", [
    ("tomek", {}), ("enn", {"n_neighbors": 3, "kind_sel": "all"}),
    ("enn", {"n_neighbors": 5, "kind_sel": "mode"}), ("smote_tomek", {"ratio": 1.0}),
    ("smote_enn", {"ratio": 1.0})])
def test_cleaners_stop_at_the_deadline_and_keep_the_rows_of_one_search(
        name, params, monkeypatch):
    # Their neighbour search over every row of a fold could not be stopped:
    # SMOTE-Tomek ran 314 s on a 240,000-row fold, past any timeout. Under a
    # deadline it now queries in steps; each row's neighbours are its own.
    import time

    from imbtune import _deadline
    from imbtune.classifiers import DeadlineExceeded

    X, y, mask = _fold([900, 100], categorical=(2,))

    def resampled(deadline):
        sampler = RESAMPLERS[name].build(params, ResampleContext(y, 2, mask, 0))
        with _deadline.active(deadline):
            return sampler.fit_resample(X, y)

    X_ref, y_ref = resampled(None)
    assert len(y_ref) < 1000 or name.startswith("smote")
    monkeypatch.setattr(_deadline, "next_step", lambda *args: 7)  # steps of 7 rows
    X_step, y_step = resampled(lambda: time.monotonic() + 600)
    np.testing.assert_array_equal(X_step, X_ref)
    np.testing.assert_array_equal(y_step, y_ref)
    with pytest.raises(DeadlineExceeded):
        resampled(lambda: time.monotonic() - 1)


def test_a_fold_s_resampling_runs_under_the_search_s_deadline():
    from imbtune import _deadline, evaluation
    from imbtune.classifiers import ClassifierSpec
    from imbtune.evaluation import PipelineConfig

    seen = []

    class Recording:
        def fit_resample(self, X, y):
            seen.append(_deadline.current())
            return X, y

    X, y, mask = _fold([60, 20])
    config = PipelineConfig(ResamplerSpec("rec", Recording()), {},
                            ClassifierSpec("logreg", __import__(
                                "sklearn.linear_model").linear_model.LogisticRegression()),
                            {})

    def deadline():
        return None

    evaluation.fit_final_model(config, X, y, mask, 2, 0, deadline=deadline)
    assert seen == [deadline] and _deadline.current() is None  # and reset after


def _nested_samplers():
    from imblearn.combine import SMOTETomek
    from imblearn.pipeline import make_pipeline
    from imblearn.under_sampling import RandomUnderSampler

    return {
        "pipeline": make_pipeline(RandomUnderSampler(sampling_strategy=0.3), SMOTE()),
        "smote_tomek_with_smote": SMOTETomek(smote=SMOTE()),
    }


def test_a_user_s_seed_is_kept_and_unset_seeds_take_the_study_s():
    from imblearn.pipeline import make_pipeline
    from imblearn.under_sampling import RandomUnderSampler

    X, y, mask = _fold([120, 30])
    ctx = ResampleContext(y, 2, mask, random_state=7)
    assert ResamplerSpec("own", SMOTE(random_state=42)).build({}, ctx).random_state == 42
    assert ResamplerSpec("unset", SMOTE()).build({}, ctx).random_state == 7
    # A seed drawn from the space wins over both.
    assert ResamplerSpec("own", SMOTE(random_state=42)).build(
        {"random_state": 3}, ctx).random_state == 3
    # Nested seeds: each one left at None is set, one of the user's own kept.
    template = make_pipeline(RandomUnderSampler(random_state=5, sampling_strategy=0.5),
                             SMOTE())
    built = ResamplerSpec("piped", template).build({}, ctx)
    assert built.get_params()["randomundersampler__random_state"] == 5
    assert built.get_params()["smote__random_state"] == 7
    assert template.get_params()["smote__random_state"] is None  # template untouched
    for sampler in _nested_samplers().values():
        params = ResamplerSpec("nested", sampler).build({}, ctx).get_params()
        seeds = {k: v for k, v in params.items() if k.split("__")[-1] == "random_state"}
        assert len(seeds) == 2 and set(seeds.values()) == {7}, seeds


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(_nested_samplers()))
def test_same_random_state_repeats_a_study_with_a_nested_sampler(name):
    import pandas as pd

    from imbtune import ImbalancedSearchCV

    from .conftest import small_imbalanced

    # Only the top-level random_state was set: the under-sampler in a
    # pipeline, or SMOTE-Tomek's own SMOTE, drew from NumPy's global state.
    X, y = small_imbalanced(n=240, minority=40)
    results = [
        ImbalancedSearchCV(resamplers=[clone(_nested_samplers()[name])],
                           classifiers=["logreg"], n_trials=2, cv=3, warm_start=False,
                           random_state=0).fit(X, y).cv_results_
        .drop(columns=["duration", "mean_fit_time"])
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(*results)


def _categorical_table():
    import pandas as pd

    rng = np.random.RandomState(0)
    y = np.r_[np.zeros(200, int), np.ones(40, int)]
    X = pd.DataFrame({"a": rng.normal(size=len(y)) + y, "b": rng.normal(size=len(y)),
                      "colour": pd.Categorical(rng.choice(["red", "green", "blue"],
                                                          len(y)))})
    return X, y


def _interpolating_samplers():
    from imblearn.combine import SMOTEENN, SMOTETomek
    from imblearn.over_sampling import ADASYN, SVMSMOTE, BorderlineSMOTE, KMeansSMOTE
    from imblearn.pipeline import make_pipeline
    from imblearn.under_sampling import RandomUnderSampler

    return [SMOTE(), BorderlineSMOTE(), SVMSMOTE(), KMeansSMOTE(), ADASYN(),
            SMOTETomek(), SMOTEENN(smote=SMOTE(k_neighbors=3)),
            make_pipeline(RandomUnderSampler(sampling_strategy=0.5), SMOTE())]


def test_handles_categorical_auto_tells_interpolating_samplers_apart():
    from imblearn.combine import SMOTETomek
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    for sampler in _interpolating_samplers():
        assert not get_resampler_spec(sampler).handles_categorical, sampler
        # the user's word wins
        assert ResamplerSpec("mine", sampler, handles_categorical=True).handles_categorical
    for sampler in [SMOTENC([0]), SMOTEN(), SMOTETomek(smote=SMOTENC([0])),
                    RandomOverSampler(), RandomUnderSampler(), NearMiss(), TomekLinks(),
                    EditedNearestNeighbours(), None]:
        assert get_resampler_spec(sampler).handles_categorical, sampler
    assert not ResamplerSpec("mine", NearMiss(), handles_categorical=False).handles_categorical
    # A copy, and a spec pickled when the value was always a bool, read as it.
    spec = ResamplerSpec("mine", SMOTE())
    assert not clone(spec).handles_categorical
    state = {**vars(spec), "handles_categorical": True}
    del state["_handles_categorical"]
    old = ResamplerSpec.__new__(ResamplerSpec)
    old.__setstate__(state)
    assert old.handles_categorical
    with pytest.raises(ValueError, match="must be 'auto', True or False; got 'yes'"):
        ResamplerSpec("mine", SMOTE(), handles_categorical="yes")


@pytest.mark.parametrize("sampler", _interpolating_samplers(),
                         ids=lambda s: type(s).__name__)
def test_a_user_s_interpolating_sampler_is_refused_on_categorical_data(sampler):
    from imbtune import ImbalancedPipeline, ImbalancedSearchCV

    # It blended category codes into 1.06, 2.52, ... that LightGBM read as
    # categories, silently.
    X, y = _categorical_table()
    name = type(sampler).__name__
    with pytest.raises(ValueError, match=rf"Resampler '{name}' interpolates every "
                                         r"column .*'colour'.*SMOTENC"):
        ImbalancedSearchCV(resamplers=[sampler], classifiers=["logreg"], n_trials=2,
                           cv=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=rf"Resampler '{name}' interpolates every "
                                         r"column .*'colour'.*SMOTENC"):
        ImbalancedPipeline("logreg", resampler=sampler, cv=3, random_state=0).fit(X, y)


@pytest.mark.filterwarnings("ignore")
def test_a_user_s_smote_runs_on_numeric_data_or_when_told_it_handles_categories():
    from imbtune import ImbalancedSearchCV

    X, y = _categorical_table()
    kwargs = dict(classifiers=["logreg"], n_trials=2, cv=3, random_state=0)
    numeric = X.drop(columns="colour")
    assert len(ImbalancedSearchCV(resamplers=[SMOTE()], **kwargs)
               .fit(numeric, y).cv_results_) == 2
    # The old behaviour, asked for: the codes are interpolated as numbers.
    told = ResamplerSpec("codes_as_numbers", SMOTE(), handles_categorical=True)
    assert len(ImbalancedSearchCV(resamplers=[told], **kwargs).fit(X, y).cv_results_) == 2

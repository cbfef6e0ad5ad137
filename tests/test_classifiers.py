"""imbtune.classifiers: built-in specs, cost weights, user estimators, deadlines."""

import threading
import time
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from imbtune import ImbalancedSearchCV
from imbtune.classifiers import (
    CLASSIFIERS,
    ClassifierSpec,
    DeadlineExceeded,
    FitContext,
    class_weights,
    get_classifier_spec,
)
from imbtune.pipeline import ImbalancedPipeline


def _data(n=300, n_classes=2, nan=True, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.choice(n_classes, n, p=[0.8] + [0.2 / (n_classes - 1)] * (n_classes - 1))
    X = rng.normal(size=(n, 4)) + y[:, None]
    X[:, 3] = rng.randint(0, 3, n)  # a column of category codes
    if nan:
        X[rng.rand(n) < 0.1, 0] = np.nan
    mask = np.array([False, False, False, True])
    return X, y, mask


def test_class_weights_interpolate_between_none_and_balanced():
    y = np.array([0] * 90 + [1] * 10)
    assert class_weights(y, 2, 0.0) == {0: 1.0, 1: 1.0}
    assert class_weights(y, 2, 1.0) == {0: 1.0, 1: 9.0}
    assert class_weights(y, 2, 0.5) == pytest.approx({0: 1.0, 1: 3.0})


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@pytest.mark.parametrize("n_classes", [2, 3])
def test_builtins_fit_codes_and_nan_with_weights(name, n_classes):
    spec = CLASSIFIERS[name]
    X, y, mask = _data(n_classes=n_classes, nan=not spec.needs_finite())
    ctx = FitContext(y, n_classes, mask, cost_weight=1.0, random_state=0)
    params = {k: (d.low if hasattr(d, "low") else d.choices[0]) for k, d in spec.space.items()}
    model, fit_params = spec.build(params, ctx)
    model.fit(X, y, **fit_params)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), n_classes)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-6)


def test_logreg_says_when_values_are_too_large_to_standardise():
    X, y, mask = _data(nan=False)
    ctx = FitContext(y, 2, mask, cost_weight=0.0, random_state=0)
    model, fit_params = CLASSIFIERS["logreg"].build({"C": 1.0}, ctx)
    model.fit(X * 1e100, y, **fit_params)  # large, but its squares fit
    huge = X.copy()
    huge[:, 1] *= 1e300
    with pytest.raises(ValueError, match=r"overflowed: it holds values as large as .*e\+300"):
        clone(model).fit(huge, y, **fit_params)


def test_weights_reach_each_mechanism():
    X, y, mask = _data(n_classes=2)
    ctx = FitContext(y, 2, mask, cost_weight=1.0)
    ratio = (y == 0).sum() / (y == 1).sum()
    lgbm, _ = CLASSIFIERS["lightgbm"].build({}, ctx)
    assert lgbm.class_weight[1] == pytest.approx(ratio)
    xgb, fit_params = CLASSIFIERS["xgboost"].build({}, ctx)
    assert xgb.get_params()["scale_pos_weight"] == pytest.approx(ratio)
    X3, y3, mask3 = _data(n_classes=3)
    _, fit_params3 = CLASSIFIERS["xgboost"].build({}, FitContext(y3, 3, mask3, cost_weight=1.0))
    assert fit_params3["sample_weight"].shape == (len(y3),)
    logreg, _ = CLASSIFIERS["logreg"].build({"C": 1.0}, ctx)
    assert logreg.named_steps["model"].class_weight[1] == pytest.approx(ratio)
    unweighted, _ = CLASSIFIERS["random_forest"].build({}, FitContext(y, 2, mask))
    assert unweighted.class_weight is None


def test_user_estimators():
    X, y, mask = _data(nan=False)
    ctx = FitContext(y, 2, mask, cost_weight=1.0)
    # class_weight parameter
    hgb = ClassifierSpec("hgb", HistGradientBoostingClassifier(max_iter=20))
    assert hgb.weighting_method() == "class_weight"
    model, fit_params = hgb.build({"learning_rate": 0.2}, ctx)
    model.fit(X, y, **fit_params)
    assert model.named_steps["model"].learning_rate == 0.2  # codes were one-hot encoded
    # only sample_weight
    knn_spec = ClassifierSpec("knn", KNeighborsClassifier())
    assert knn_spec.weighting_method() is None
    with pytest.raises(ValueError, match="neither class_weight nor sample_weight"):
        knn_spec.build({}, ctx)
    model = knn_spec.build({}, FitContext(y, 2, mask))[0]
    assert model.fit(X, y).predict_proba(X).shape == (300, 2)
    with pytest.raises(TypeError, match="predict_proba"):
        get_classifier_spec(LinearSVC())
    with pytest.raises(ValueError, match="Unknown classifier 'lgbm'"):
        get_classifier_spec("lgbm")


@pytest.mark.parametrize("name", ["lightgbm", "xgboost"])
def test_boosters_stop_at_the_deadline(name):
    X, y, mask = _data(n=2000)
    ctx = FitContext(y, 2, mask, deadline=time.monotonic() + 0.2)
    model, fit_params = CLASSIFIERS[name].build(
        {"n_estimators": 100000, "learning_rate": 0.01}, ctx
    )
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        model.fit(X, y, **fit_params)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("name", ["random_forest", "extra_trees", "user"])
def test_forests_stop_at_the_deadline(name):
    # A forest was fitted whole: timeout=20 was overrun by 5 s on 22,500
    # rows. Now it grows in steps with a deadline check between them, a
    # user's scikit-learn forest too.
    X, y, mask = _data(n=500)
    spec = (ClassifierSpec("rf", RandomForestClassifier()) if name == "user"
            else CLASSIFIERS[name])
    ctx = FitContext(y, 2, mask, deadline=lambda: time.monotonic() - 1)
    model, fit_params = spec.build({"n_estimators": 200}, ctx)
    with pytest.raises(DeadlineExceeded):
        spec.fit_model(model, X, y, fit_params, ctx)
    if name == "user":  # one-hot encoded first (column 3 holds codes)
        model = model.steps[-1][1]
    assert len(model.estimators_) < 200


@pytest.mark.parametrize("name", ["random_forest", "extra_trees"])
def test_a_forest_grown_in_steps_has_the_trees_of_one_fit(name, monkeypatch):
    import imbtune._deadline as deadline_module

    X, y, mask = _data(n=400, nan=False)
    spec = CLASSIFIERS[name]
    params = {"n_estimators": 30, "max_depth": 6, "max_features": 0.7}

    def fitted(deadline):
        ctx = FitContext(y, 2, mask, cost_weight=0.5, random_state=3, deadline=deadline)
        model, fit_params = spec.build(params, ctx)
        sizes = []
        fit = model.fit
        model.fit = lambda *a, **k: (sizes.append(model.n_estimators), fit(*a, **k))[1]
        model = spec.fit_model(model, X, y, fit_params, ctx)
        del model.fit
        return model, sizes

    whole, whole_sizes = fitted(None)
    # A search without a timeout hands a deadline that says None: one fit
    # (it raised TypeError, and the trial failed)
    assert fitted(lambda: None)[1] == [30]
    # A deadline always a millisecond away, and steps of one tree
    monkeypatch.setattr(deadline_module, "STEP_SECONDS", 1e-9)
    stepped, stepped_sizes = fitted(lambda: time.monotonic() + 1e-3)
    assert whole_sizes == [30]
    assert stepped_sizes == list(range(10, 31))
    assert stepped.get_params() == whole.get_params()  # warm_start off again
    assert [t.random_state for t in stepped.estimators_] == [
        t.random_state for t in whole.estimators_
    ]
    np.testing.assert_array_equal(stepped.predict_proba(X), whole.predict_proba(X))
    # Far from its deadline, the rest of the forest is fitted in one step
    monkeypatch.undo()
    _, far_sizes = fitted(time.monotonic() + 1000)
    assert far_sizes == [10, 30]


def test_a_user_s_forest_behind_one_hot_grown_in_steps_has_the_trees_of_one_fit(
        monkeypatch):
    import imbtune._deadline as deadline_module

    X, y, mask = _data(n=400, nan=False)
    spec = ClassifierSpec("rf", RandomForestClassifier(n_estimators=25, max_depth=5))

    def fitted(deadline):
        ctx = FitContext(y, 2, mask, cost_weight=1.0, random_state=4, deadline=deadline)
        model, fit_params = spec.build({}, ctx)
        return spec.fit_model(model, X, y, fit_params, ctx)

    whole = fitted(None)
    monkeypatch.setattr(deadline_module, "STEP_SECONDS", 1e-9)
    stepped = fitted(lambda: time.monotonic() + 1e-3)
    forest = stepped.steps[-1][1]  # behind the one-hot encoding of column 3
    assert forest.get_params() == whole.steps[-1][1].get_params()
    assert len(forest.estimators_) == 25
    np.testing.assert_array_equal(stepped.predict_proba(X), whole.predict_proba(X))
    # Fitted whole: a forest with an OOB score (each step would compute it,
    # and warn about rows no tree left out yet), a class-weight preset
    # (scikit-learn warns at each step), a RandomState instance (its trees
    # would depend on the steps), a resampler before it (resampled again at
    # each step)
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.pipeline import Pipeline as ImbPipeline

    whole_fits = [
        RandomForestClassifier(n_estimators=25, oob_score=True),
        RandomForestClassifier(n_estimators=25, class_weight="balanced"),
        RandomForestClassifier(n_estimators=25, random_state=np.random.RandomState(1)),
        ImbPipeline([("over", RandomOverSampler(random_state=0)),
                     ("rf", RandomForestClassifier(n_estimators=25))]),
    ]
    for template in whole_fits:
        spec = ClassifierSpec("rf", template, weighting=None)
        ctx = FitContext(y, 2, np.zeros(4, bool), deadline=lambda: time.monotonic() + 1e-3)
        model, fit_params = spec.build({}, ctx)
        sizes = []
        fit = model.fit
        model.fit = lambda *a, _fit=fit, **k: (sizes.append(1), _fit(*a, **k))[1]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            spec.fit_model(model, X, y, fit_params, ctx)
        assert sizes == [1], template


def test_lightgbm_categorical_settings_follow_the_leaf_size():
    X, y, mask = _data()
    spec = CLASSIFIERS["lightgbm"]
    model, fit_params = spec.build({"min_child_samples": 7}, FitContext(y, 2, mask))
    assert model.get_params()["min_data_per_group"] == 7
    assert model.get_params()["max_cat_to_onehot"] == 8
    model.fit(X, y, **fit_params)
    assert model.booster_.params["max_cat_to_onehot"] == 8
    # A user's own value wins.
    model, _ = spec.build({"max_cat_to_onehot": 4}, FitContext(y, 2, mask))
    assert model.get_params()["max_cat_to_onehot"] == 4


def test_lightgbm_categorical_settings_beat_lightgbm_defaults(thyroid_mixed):
    # LightGBM's own defaults (many-vs-many splits above 4 categories, 100 rows
    # per category group) hide what thyroid's 5-valued referral_source says.
    X, y = thyroid_mixed
    params = {"n_estimators": 100, "min_child_samples": 5}
    lightgbm_defaults = {"min_data_per_group": 100, "max_cat_to_onehot": 4}

    def cv_pr_auc(extra):
        pipe = ImbalancedPipeline(
            "lightgbm", classifier_params={**params, **extra}, calibration="none",
            scoring="pr_auc", random_state=0,
        ).fit(X, y)
        return np.mean(pipe.cv_scores_)

    assert cv_pr_auc({}) > cv_pr_auc(lightgbm_defaults) + 0.02  # 0.895 vs 0.860


def test_clone_makes_a_spec_around_a_clone_of_its_template():
    template = HistGradientBoostingClassifier(max_iter=20)
    template._lock = threading.Lock()  # as a model holding a session would
    spec = ClassifierSpec("hgb", template, space={}, weighting="sample_weight")
    copied = clone(spec)
    assert copied is not spec and copied.estimator is not template
    assert copied.estimator.get_params() == template.get_params()
    assert not hasattr(copied.estimator, "_lock")
    assert (copied.name, copied.weighting) == ("hgb", "sample_weight")
    # What cross_val_score and GridSearchCV do to a search holding the spec.
    search = clone(ImbalancedSearchCV(classifiers=[spec], n_trials=2))
    assert search.classifiers[0].estimator.get_params()["max_iter"] == 20


@pytest.mark.parametrize("name", ["logreg", "forest", "hgb"])
def test_many_categories_on_a_large_table_are_one_hot_sparse(name, monkeypatch):
    # Dense, a column of thousands of categories on a large table would not
    # fit in memory: past the limit, models that take a sparse matrix get
    # one, with the same predictions; one that does not keeps the dense view.
    import scipy.sparse as sp

    import imbtune.preprocessing as preprocessing

    rng = np.random.RandomState(0)
    n = 600
    y = (rng.rand(n) < 0.2).astype(int)
    X = np.column_stack([rng.normal(size=n) + y, rng.randint(0, 120, n).astype(float)])
    mask = np.array([False, True])
    spec = {
        "logreg": CLASSIFIERS["logreg"],  # the built-in specs that one-hot encode
        "forest": ClassifierSpec("forest", RandomForestClassifier(n_estimators=30)),
        "hgb": ClassifierSpec("hgb", HistGradientBoostingClassifier(max_iter=20)),
    }[name]
    params = {}
    ctx = FitContext(y, 2, mask, cost_weight=1.0, random_state=0)

    def fitted():
        model, fit_params = spec.build(params, ctx)
        return model.fit(X, y, **fit_params)

    dense = fitted()
    assert not dense.steps[0][1].sparse_
    monkeypatch.setattr(preprocessing, "DENSE_ONE_HOT_LIMIT", 1000)
    small_limit = fitted()
    view = small_limit.steps[0][1]
    assert view.sparse_ == (name != "hgb")
    assert sp.issparse(view.transform(X[:5])) == (name != "hgb")
    proba = small_limit.predict_proba(X)
    if name == "forest":  # its sparse splitter draws its features in another order
        assert proba.shape == (n, 2) and np.mean((proba[:, 1] > 0.5) == y) > 0.9
    else:
        np.testing.assert_allclose(proba, dense.predict_proba(X), rtol=1e-4, atol=1e-6)


def test_an_unseeded_user_template_takes_the_study_seed(breast_cancer):
    # A template left at random_state=None (also inside a Pipeline) is
    # seeded by the study, so one random_state repeats a search of it; a
    # template's own seed is kept.
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    ctx = FitContext(y, 2, np.zeros(3, bool), random_state=7)
    forest, _ = ClassifierSpec("forest", RandomForestClassifier()).build({}, ctx)
    assert forest.random_state == 7
    mine, _ = ClassifierSpec("mine", RandomForestClassifier(random_state=3)).build({}, ctx)
    assert mine.random_state == 3
    piped, _ = ClassifierSpec(
        "piped", make_pipeline(StandardScaler(), RandomForestClassifier())
    ).build({}, ctx)
    assert piped.get_params()["randomforestclassifier__random_state"] == 7

    X, y = breast_cancer
    runs = [
        ImbalancedSearchCV(classifiers=[RandomForestClassifier(n_estimators=10)],
                           resamplers=["none"], n_trials=2, cv=3, n_repeats=1,
                           random_state=0).fit(X, y)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].cv_results_["mean_test_score"],
                                  runs[1].cv_results_["mean_test_score"])
    np.testing.assert_array_equal(runs[0].predict_proba(X), runs[1].predict_proba(X))


@pytest.mark.parametrize("categorical", [False, True, "column_transformer"])
def test_sample_weights_reach_a_pipeline_under_metadata_routing(categorical):
    # With scikit-learn's metadata routing on, Pipeline.fit refuses
    # "model__sample_weight": every trial of these failed.
    import sklearn
    from sklearn.naive_bayes import GaussianNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .conftest import small_imbalanced

    X, y = small_imbalanced()
    if categorical == "column_transformer":  # a weight-taking scaler held inside a step
        from sklearn.compose import ColumnTransformer

        model = make_pipeline(
            ColumnTransformer([("scale", StandardScaler(), [0, 1])], remainder="passthrough"),
            LogisticRegression(),
        )
    elif categorical:  # GaussianNB is one-hot wrapped in a Pipeline by imbtune
        X = X.assign(cat=np.random.RandomState(0).choice(list("pqr"), len(y)))
        model = GaussianNB()
    else:
        model = make_pipeline(StandardScaler(), LogisticRegression())
    kwargs = dict(classifiers=[model], resamplers=["none"], n_trials=3, cv=3, random_state=0)
    plain = ImbalancedSearchCV(**kwargs).fit(X, y)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert (routed.cv_results_["state"] == "COMPLETE").all()
    assert (routed.cv_results_["cost_weight"] > 0).all()  # weights were searched and passed
    np.testing.assert_allclose(routed.cv_results_["mean_test_score"],
                               plain.cv_results_["mean_test_score"])


@pytest.mark.parametrize("params, match", [
    ({"num_leavs": 2}, r"LightGBM has no parameter 'num_leavs'. Did you mean 'num_leaves'"),
    ({"num_leaf": 2}, r"'num_leaf' is LightGBM's alias of 'num_leaves'.*pass 'num_leaves'"),
    ({"num_iterations": 20}, r"alias of 'n_estimators'"),
    ({"min_data": 5}, r"'min_data' is LightGBM's alias of 'min_child_samples'"),
    ({"seed": 3}, r"imbtune sets LightGBM's 'random_state' itself"),
    ({"n_jobs": 4}, r"imbtune sets LightGBM's 'n_jobs' itself"),
])
def test_lightgbm_parameters_it_would_ignore_are_refused(breast_cancer, params, match):
    # A typo or an alias gave the defaults' predictions without a word.
    X, y = breast_cancer
    with pytest.raises(ValueError, match=match):
        ImbalancedPipeline("lightgbm", classifier_params=params, cv=3).fit(X, y)


def test_lightgbm_parameters_of_its_own_are_taken(breast_cancer):
    X, y = breast_cancer
    model = ImbalancedPipeline(
        "lightgbm", classifier_params={"num_leaves": 4, "min_data_per_group": 5,
                                       "max_bin": 63, "n_estimators": 20}, cv=3,
    ).fit(X, y)
    booster = model.fold_models_[0][1].booster_
    assert booster.params["num_leaves"] == 4 and booster.params["max_bin"] == 63
    # LightGBM's main names win over the scikit-learn ones, and aliases of
    # what the scikit-learn API leaves alone are applied: both are taken
    model = ImbalancedPipeline(
        "lightgbm", classifier_params={"min_data_in_leaf": 40, "feature_fraction": 0.5,
                                       "extra_tree": True, "n_estimators": 20}, cv=3,
    ).fit(X, y)
    params = model.fold_models_[0][1].booster_.params
    assert params["min_data_in_leaf"] == 40 and params["feature_fraction"] == 0.5
    assert params["extra_tree"]


def test_columns_too_narrow_for_scikit_learn_s_trees_are_named(breast_cancer):
    # At 1e-8 the forests' AUC was 0.5, without a word.
    import warnings

    X, y = breast_cancer
    tiny = X * 1e-8
    with pytest.warns(UserWarning, match=r"Column\(s\) .* vary by less than 1e-7, which "
                                         r"scikit-learn's trees \(random_forest\) read as"):
        ImbalancedPipeline("random_forest", classifier_params={"n_estimators": 10},
                           cv=3, random_state=0).fit(tiny, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to say for other models, or at scale 1
        ImbalancedPipeline("lightgbm", classifier_params={"n_estimators": 10},
                           cv=3, random_state=0).fit(tiny, y)
        ImbalancedPipeline("random_forest", classifier_params={"n_estimators": 10},
                           cv=3, random_state=0).fit(X, y)


def test_own_weighting_names_what_weighs_the_model_s_classes():
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import make_pipeline as make_imblearn_pipeline
    from lightgbm import LGBMClassifier
    from sklearn.feature_selection import SelectFromModel
    from sklearn.pipeline import make_pipeline
    from xgboost import XGBClassifier

    own = {
        "xgb": XGBClassifier(scale_pos_weight=4),
        "lgbm_unbalance": LGBMClassifier(is_unbalance=True),
        "lgbm_pos": LGBMClassifier(scale_pos_weight=10),
        "lr": LogisticRegression(class_weight="balanced"),
        "last_step": make_pipeline(LinearSVC(), LogisticRegression(class_weight={0: 1})),
        "resamples": make_imblearn_pipeline(SMOTE(), LogisticRegression()),
    }
    for name, template in own.items():
        spec = ClassifierSpec(name, template)
        assert spec.own_weighting() is not None, name
        assert spec.weighting_method() is None, name
    # weighted by imbtune: defaults, and weights of a step that only selects
    # features (not the model's)
    weighted = {
        "xgb": XGBClassifier(),
        "lgbm": LGBMClassifier(),
        "selector": make_pipeline(SelectFromModel(LinearSVC(class_weight="balanced")),
                                  LogisticRegression()),
    }
    for name, template in weighted.items():
        spec = ClassifierSpec(name, template)
        assert spec.own_weighting() is None, name
        assert spec.weighting_method() is not None, name


@pytest.mark.parametrize(
    "name, params, match",
    [
        ("logreg", {"class_weight": "balanced"},
         r"imbtune sets logistic regression's 'class_weight' itself \(from cost_weight\); "
         r"search cost_weight, or give it a cost_weight \(1.0 is 'balanced'\)"),
        ("random_forest", {"n_jobs": 4},
         r"imbtune sets random_forest's 'n_jobs' itself \(from n_jobs\); leave it out"),
        ("extra_trees", {"class_weight": {0: 1, 1: 3}}, r"extra_trees's 'class_weight'"),
        ("xgboost", {"scale_pos_weight": 9}, r"XGBoost's 'scale_pos_weight' itself"),
        ("xgboost", {"random_state": 3}, r"XGBoost's 'random_state' itself"),
        # a second weighting, multiplied with class_weight's
        ("lightgbm", {"scale_pos_weight": 2.0},
         r"LightGBM's 'scale_pos_weight' would weigh the classes a second time, on top of "
         r"the class_weight imbtune sets from cost_weight; leave 'scale_pos_weight' out"),
        ("lightgbm", {"unbalance": True}, r"LightGBM's 'is_unbalance' would weigh"),
        ("xgboost", {"seed": 3}, r"XGBoost's 'seed' itself \(as random_state"),
        ("xgboost", {"nthread": 2}, r"XGBoost's 'nthread' itself \(as n_jobs"),
    ],
)
def test_a_built_in_refuses_what_imbtune_sets_by_name(name, params, match):
    # it was a TypeError: "got multiple values for keyword argument"
    ctx = FitContext(np.array([0, 0, 0, 1]), 2, np.zeros(2, bool), cost_weight=0.0,
                     random_state=0)
    with pytest.raises(ValueError, match=match):
        CLASSIFIERS[name].build(params, ctx)


def test_a_built_in_takes_the_defaults_it_only_suggests():
    X, y = np.random.RandomState(0).normal(size=(40, 2)), np.repeat([0, 1], 20)
    ctx = FitContext(y, 2, np.zeros(2, bool), cost_weight=0.0, random_state=0)
    model, _ = CLASSIFIERS["xgboost"].build({"tree_method": "approx", "max_cat_to_onehot": 2},
                                            ctx)
    assert model.get_params()["tree_method"] == "approx"
    assert model.get_params()["max_cat_to_onehot"] == 2
    model, _ = CLASSIFIERS["logreg"].build({"max_iter": 50}, ctx)
    assert model.fit(X, y).named_steps["model"].max_iter == 50


def test_native_categorical_tells_a_model_which_columns_are_categories(thyroid_mixed, quiet):
    # The codes reach the model in a NumPy array: HistGradientBoosting's
    # categorical_features="from_dtype" saw no category column at all.
    X, y = thyroid_mixed
    X = X.drop(columns=[c for c in X if X[c].isna().all()])  # scikit-learn fails on those
    spec = ClassifierSpec("hgb", HistGradientBoostingClassifier(max_iter=20),
                          native_categorical=True)
    search = ImbalancedSearchCV(classifiers=[spec], resamplers=["none"], n_trials=1, cv=3,
                                n_repeats=1, random_state=0).fit(X, y)
    encoder, model = search.best_estimator_.fold_models_[0]
    assert model.is_categorical_.sum() == encoder.categorical_mask_.sum() > 0
    np.testing.assert_array_equal(model.is_categorical_, encoder.categorical_mask_)


class _Labels(ClassifierMixin, BaseEstimator):
    """A classifier with predict alone."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize("model, advice", [
    (LinearSVC(), r"Wrap it: CalibratedClassifierCV\(LinearSVC\(\.\.\.\), ensemble=False\)"),
    (make_pipeline(StandardScaler(), LinearSVC()),
     r"Wrap its last step in CalibratedClassifierCV\(\.\.\., ensemble=False\)"),
    (_Labels(), r"Use a classifier that has predict_proba"),
])
def test_a_classifier_without_probabilities_is_told_how_to_get_them(model, advice):
    with pytest.raises(TypeError, match=r"has no predict_proba; imbtune needs probabilities"
                                        r" to calibrate and to choose a threshold\. " + advice):
        get_classifier_spec(model)


def test_native_categories_stay_numbers_where_the_model_cannot_take_them():
    # more categories than HistGradientBoosting's max_bins, or a model behind
    # a step that changes the columns: left as they were (they failed)
    from sklearn.feature_selection import SelectKBest

    rng = np.random.RandomState(0)
    X = np.column_stack([np.arange(400) % 300, rng.randint(0, 4, 400),
                         rng.normal(size=400)]).astype(float)
    y = (X[:, 1] > 1).astype(int)
    ctx = FitContext(y, 2, np.array([True, True, False]), cost_weight=0.0, random_state=0)
    spec = ClassifierSpec("hgb", HistGradientBoostingClassifier(max_iter=5),
                          native_categorical=True)
    model, fit_params = spec.build({}, ctx)
    model = spec.fit_model(model, X, y, fit_params, ctx)
    np.testing.assert_array_equal(model.is_categorical_, [False, True, False])
    piped = ClassifierSpec("piped", make_pipeline(SelectKBest(k=2),
                                                  HistGradientBoostingClassifier(max_iter=5)),
                           native_categorical=True)
    model, fit_params = piped.build({}, ctx)
    piped.fit_model(model, X, y, fit_params, ctx)

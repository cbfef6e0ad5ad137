"""The joint, conditional search space of a study and its warm-start portfolio.

Trial parameters are flat Optuna parameters:

* ``resampler``: the resampler's name; its own parameters are named
  ``<resampler>__<param>`` and exist only when it is chosen;
* ``classifier``: the classifier's name, with ``<classifier>__<param>``;
* ``cost_weight``: alpha of the class weights, when the chosen classifier
  can be weighted.

Calibration and the decision rule are not dimensions: each trial tries every
allowed calibration on its out-of-fold scores and solves the rule (see
:mod:`imbtune.evaluation`).
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import warnings
from collections.abc import Iterable

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from ._labels import encoded_spec
from .classifiers import (
    CLASSIFIERS,
    DEFAULT_CLASSIFIERS,
    ClassifierSpec,
    _probability_advice,
    get_classifier_spec,
)
from .evaluation import PipelineConfig
from .exceptions import FallbackWarning
from .resamplers import (
    RESAMPLERS,
    ResamplerSpec,
    get_resampler_spec,
    over_sampling_targets,
)

__all__ = ["PORTFOLIO", "SearchSpace"]

_COST = FloatDistribution(0.0, 1.0)

# Starting points tried first (each kept only if the space allows it): strong,
# cheap defaults of each model family, with and without rebalancing.
# The forests have 150 trees: see the note on the forests' space in
# classifiers.py.
PORTFOLIO = [
    {
        "resampler": "none",
        "classifier": "lightgbm",
        "lightgbm__n_estimators": 300,
        "lightgbm__learning_rate": 0.05,
        "lightgbm__num_leaves": 15,
        "lightgbm__min_child_samples": 20,
        "lightgbm__subsample": 0.8,
        "lightgbm__colsample_bytree": 0.7,
        "lightgbm__reg_lambda": 1.0,
        "cost_weight": 0.0,
    },
    {
        "resampler": "none",
        "classifier": "logreg",
        "logreg__C": 1.0,
        "cost_weight": 0.5,
    },
    {
        "resampler": "none",
        "classifier": "extra_trees",
        "extra_trees__n_estimators": 150,
        "extra_trees__max_depth": 40,
        "extra_trees__min_samples_leaf": 2,
        "extra_trees__max_features": 0.5,
        "cost_weight": 0.5,
    },
    {
        "resampler": "none",
        "classifier": "xgboost",
        "xgboost__n_estimators": 300,
        "xgboost__learning_rate": 0.05,
        "xgboost__max_depth": 5,
        "xgboost__min_child_weight": 1.0,
        "xgboost__subsample": 0.8,
        "xgboost__colsample_bytree": 0.7,
        "xgboost__reg_lambda": 1.0,
        "cost_weight": 0.5,
    },
    {
        "resampler": "random_under",
        "random_under__ratio": 0.5,
        "classifier": "lightgbm",
        "lightgbm__n_estimators": 200,
        "lightgbm__learning_rate": 0.05,
        "lightgbm__num_leaves": 15,
        "lightgbm__min_child_samples": 10,
        "lightgbm__subsample": 0.8,
        "lightgbm__colsample_bytree": 0.7,
        "lightgbm__reg_lambda": 1.0,
        "cost_weight": 0.0,
    },
    {
        "resampler": "none",
        "classifier": "random_forest",
        "random_forest__n_estimators": 150,
        "random_forest__max_depth": 20,
        "random_forest__min_samples_leaf": 2,
        "random_forest__max_features": 0.3,
        "cost_weight": 0.3,
    },
    {
        "resampler": "smote",
        "smote__ratio": 0.3,
        "smote__k_neighbors": 5,
        "classifier": "lightgbm",
        "lightgbm__n_estimators": 300,
        "lightgbm__learning_rate": 0.05,
        "lightgbm__num_leaves": 15,
        "lightgbm__min_child_samples": 20,
        "lightgbm__subsample": 0.8,
        "lightgbm__colsample_bytree": 0.7,
        "lightgbm__reg_lambda": 1.0,
        "cost_weight": 0.0,
    },
    {
        # Leaves down to 5 rows, for small minorities. Chosen on datasets
        # outside the comparison (benchmarks/start_points.py): best start
        # point on sick_euthyroid and ozone_level, second on german_credit.
        "resampler": "none",
        "classifier": "lightgbm",
        "lightgbm__n_estimators": 400,
        "lightgbm__learning_rate": 0.03,
        "lightgbm__num_leaves": 31,
        "lightgbm__min_child_samples": 5,
        "lightgbm__subsample": 0.8,
        "lightgbm__colsample_bytree": 0.8,
        "lightgbm__reg_lambda": 1.0,
        "cost_weight": 0.5,
    },
]


def _suggest(trial, name, dist):
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, dist.choices)
    raise TypeError(
        f"Search-space entry {name!r} must be an optuna FloatDistribution, "
        f"IntDistribution or CategoricalDistribution; got {dist!r}."
    )


def _contains(dist, value):
    if isinstance(dist, CategoricalDistribution):
        return value in dist.choices
    return dist.low <= value <= dist.high


def _smallest_oversampled(counts):
    """Row count of the smallest class an over-sampler would grow, or None."""
    targets = over_sampling_targets(counts, 1.0)
    return int(min(counts[k] for k in targets)) if targets else None


def _is_builtin(spec, registry):
    """Whether ``spec`` is the built-in of its name (or a copy of it: a clone
    of a search, or a worker's unpickled space, holds copies)."""
    builtin = registry.get(spec.name)
    if builtin is None:
        return False
    if type(builtin) in (ClassifierSpec, ResamplerSpec):  # "none": no sampler
        return (type(spec) is type(builtin) and getattr(spec, "sampler", None) is None
                and not spec.space)
    return type(spec) is type(builtin)


def _unique_names(specs, what, registry):
    for spec in specs:
        if not isinstance(spec.name, str) or not spec.name:
            raise TypeError(
                f"A {what} spec's name must be a non-empty str; got {spec.name!r}."
            )
        if spec.name in registry and not _is_builtin(spec, registry):
            # Its trials would be reported, and warm-started, as the built-in's.
            raise ValueError(
                f"Your {what} spec is named {spec.name!r}, the name of a built-in "
                f"{what}; give it a name of its own."
            )
    names = [spec.name for spec in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        spec_class = "ResamplerSpec" if what == "resampler" else "ClassifierSpec"
        hint = (
            f" An estimator given as it is is named after its class: wrap each in "
            f"{spec_class}(name, estimator) with a name of its own."
            if any(name not in registry for name in duplicates) else ""
        )
        raise ValueError(
            f"Duplicate {what} name(s) {duplicates}; names must be unique.{hint}"
        )
    for name in names:
        if "__" in name:
            raise ValueError(f"{what} name {name!r} must not contain '__'.")


def _check_spec(spec, template, what):
    """A user's spec is checked before any trial runs, not by failing them:
    Optuna distributions, parameters its template has, and (a classifier)
    ``predict_proba``."""
    for key, dist in spec.space.items():
        if not isinstance(dist, BaseDistribution):
            raise TypeError(
                f"The space of {what} {spec.name!r} maps {key!r} to {dist!r}, which "
                "is not an Optuna distribution; use FloatDistribution, "
                "IntDistribution or CategoricalDistribution from "
                "optuna.distributions."
            )
    if what == "classifier":
        _check_weighting(spec, template)
    if what == "resampler" and template is not None and not hasattr(
        template, "fit_resample"
    ):
        raise TypeError(
            f"Resampler {spec.name!r} holds a {type(template).__name__}, which has no "
            "fit_resample; a resampler is an imbalanced-learn sampler or an object "
            "with fit_resample(X, y)."
        )
    if template is not None and not hasattr(template, "get_params") and spec.space:
        raise ValueError(
            f"The space of {what} {spec.name!r} names {sorted(spec.space)}, but its "
            f"{type(template).__name__} has no get_params/set_params to set them "
            "with; give it scikit-learn's BaseEstimator interface, or an empty space."
        )
    if template is None or not hasattr(template, "get_params"):
        return  # a built-in spec builds its own estimator
    valid = template.get_params()
    unknown = sorted(set(spec.space) - set(valid))
    if unknown:
        raise ValueError(
            f"The space of {what} {spec.name!r} names parameter(s) {unknown} that "
            f"{type(template).__name__} does not have; valid ones are {sorted(valid)}."
        )
    if what == "classifier" and not hasattr(template, "predict_proba"):
        raise TypeError(
            f"Classifier {spec.name!r} ({type(template).__name__}) has no "
            "predict_proba; imbtune needs probabilities to calibrate and to choose "
            f"a threshold. {_probability_advice(template)}"
        )


def _check_weighting(spec, template):
    """A user's classifier has an estimator, and the weighting it names
    reaches that estimator."""
    from .classifiers import _accepts_sample_weight

    if _is_builtin(spec, CLASSIFIERS) or type(spec).build is not ClassifierSpec.build:
        return  # a spec that builds its own estimator weighs it itself
    if template is None or not hasattr(template, "fit"):
        raise TypeError(
            f"Classifier {spec.name!r} holds {template!r}, not an estimator; give "
            "ClassifierSpec a classifier object such as LogisticRegression()."
        )
    choices = ("auto", "class_weight", "sample_weight", None)
    if spec.weighting not in choices:
        raise ValueError(
            f"Classifier {spec.name!r} has weighting={spec.weighting!r}; use one of "
            f"{list(choices)}."
        )
    if spec.weighting == "class_weight" and "class_weight" not in template.get_params():
        raise ValueError(
            f"Classifier {spec.name!r} has weighting='class_weight', but "
            f"{type(template).__name__} has no class_weight parameter; use "
            "weighting='auto' (sample_weight where its fit takes one) or None."
        )
    if spec.weighting == "sample_weight" and not _accepts_sample_weight(
        template, or_keywords=True
    ):
        raise ValueError(
            f"Classifier {spec.name!r} has weighting='sample_weight', but "
            f"{type(template).__name__}.fit takes no sample_weight; use "
            "weighting=None (cost_weight is then not searched for it)."
        )
    own = spec.own_weighting()
    if spec.weighting in ("class_weight", "sample_weight") and own is not None:
        raise ValueError(
            f"Classifier {spec.name!r} has weighting={spec.weighting!r}, but {own}. "
            "Use weighting=None or 'auto' (either leaves it unweighted). "
            f"{_own_weighting_advice(own)}"
        )


def _own_weighting_advice(own):
    if "class_weight" in own:
        return ("For imbtune to search cost_weight for it, leave class_weight "
                "unset and out of its space.")
    return ("For imbtune to search cost_weight for it, resample with imbtune's "
            "resamplers= instead of inside the pipeline.")


def _as_list(choices):
    """A list of choices; one name, spec or estimator alone is a list of one
    (``classifiers="logreg"`` is not read letter by letter)."""
    if isinstance(choices, str) or not isinstance(choices, Iterable):
        return [choices]
    return list(choices)


class SearchSpace:
    """The resamplers, classifiers and knobs one study searches over.

    Parameters
    ----------
    resamplers : list or None
        Names, :class:`~imbtune.ResamplerSpec` objects or samplers; ``None``
        means every built-in that suits the data.
    classifiers : list or None
        Names, :class:`~imbtune.ClassifierSpec` objects or estimators;
        ``None`` means the default set.
    cost_weighting : bool
        Whether ``cost_weight`` is searched (else it stays 0).
    fold_counts : ndarray of shape (n_folds, n_classes)
        Class counts of every training fold.
    categorical_columns : list of str
        Names of the table's categorical columns (empty: none).
    """

    def __init__(self, resamplers, classifiers, cost_weighting, fold_counts,
                 categorical_columns):
        self.cost_weighting = cost_weighting
        self.notes = []
        explicit = resamplers is not None
        names = list(RESAMPLERS) if resamplers is None else _as_list(resamplers)
        if not names:
            raise ValueError("resamplers must name at least one resampler (or 'none').")
        specs = [get_resampler_spec(r) for r in names]
        _unique_names(specs, "resampler", RESAMPLERS)  # before a dict keyed by name hides one
        for spec in specs:
            _check_spec(spec, spec.sampler, "resampler")
        self.resamplers = {}
        for spec in specs:
            reason = self._infeasible(spec, fold_counts, list(categorical_columns))
            if reason is None:
                self.resamplers[spec.name] = spec
            elif explicit:
                problem, advice = reason
                raise ValueError(
                    f"{problem}. Remove {spec.name!r} from resamplers=, or "
                    f"{advice[0].lower()}{advice[1:]}"
                )
            else:
                problem, advice = reason
                self.notes.append(f"{problem}; it was left out. {advice}")
        if not self.resamplers:
            raise ValueError(f"No resampler can run on this data: {self.notes}")
        # A neighbour count is searched no higher than the most that changes
        # anything in every training fold (larger ones are lowered to it).
        self.max_k = {}
        for spec in self.resamplers.values():
            limits = [spec.neighbour_limit(counts) for counts in fold_counts]
            limits = [limit for limit in limits if limit is not None]
            cap = self.max_k[spec.name] = max(1, min(limits)) if limits else 1
            for key, dist in spec.space.items():
                if isinstance(dist, IntDistribution) and spec._clamps(key) and dist.high > cap:
                    self.notes.append(
                        f"{spec.name}: {key} is searched up to {cap} (not "
                        f"{dist.high}): a training fold has too few rows of the "
                        "classes it over-samples for more (a larger one would be "
                        f"lowered to {cap} there)."
                    )
        names = list(DEFAULT_CLASSIFIERS) if classifiers is None else _as_list(classifiers)
        if not names:
            raise ValueError("classifiers must name at least one classifier.")
        specs = [get_classifier_spec(c) for c in names]
        _unique_names(specs, "classifier", CLASSIFIERS)
        for spec in specs:
            _check_spec(spec, spec.estimator, "classifier")
        self.classifiers = {spec.name: spec for spec in specs}
        shared = sorted(set(self.resamplers) & set(self.classifiers))
        if shared:
            # a trial's parameters are "<name>__<param>": one name for both
            # would hand each part the other's parameters
            raise ValueError(
                f"{shared} name both a resampler and a classifier; give one of "
                "them another name (ResamplerSpec(name, ...) or "
                "ClassifierSpec(name, ...))."
            )
        if cost_weighting:
            for spec in specs:
                own = spec.own_weighting() if spec.weighting == "auto" else None
                if own is not None and not _is_builtin(spec, CLASSIFIERS):
                    self.notes.append(
                        f"Classifier {spec.name!r}: cost_weight is not searched "
                        f"for it, as {own}. {_own_weighting_advice(own)}"
                    )

    @staticmethod
    def _infeasible(spec, fold_counts, categorical_columns):
        # (what is wrong, what to do instead)
        if categorical_columns and not spec.handles_categorical:
            named = ", ".join(map(repr, categorical_columns[:3]))
            more = len(categorical_columns) - 3
            return (
                f"Resampler {spec.name!r} interpolates every column and cannot "
                f"handle categorical columns (X has {named}"
                f"{f' and {more} more' if more > 0 else ''})",
                "Use 'smote', 'smote_tomek' or 'smote_enn' (they switch to "
                "SMOTENC) or a SMOTENC of your own; if the codes are numbers "
                "meant to be interpolated, pass ResamplerSpec(name, sampler, "
                "handles_categorical=True), or encode the categorical columns as "
                "numbers yourself.",
            )
        need = spec.min_class_rows()
        for counts in fold_counts:
            smallest = _smallest_oversampled(counts)
            if smallest is not None and smallest < need:
                return (
                    f"Resampler {spec.name!r} needs at least {need} rows of each "
                    "class it over-samples in every training fold, but a fold has "
                    f"{smallest}",
                    "Use fewer folds or more rows of the rare class.",
                )
        return None

    def check_label_keys(self, classes):
        """Refuse, before any trial, a user's sampler or model whose dict
        (``sampling_strategy``, ``class_weight``) is keyed by a label that
        is not one of ``classes`` (see :func:`imbtune._labels.encoded_spec`)."""
        for spec in [*self.resamplers.values(), *self.classifiers.values()]:
            encoded_spec(spec, classes)

    def warn(self):
        for note in self.notes:
            warnings.warn(note, FallbackWarning, stacklevel=3)

    def suggest(self, trial):
        """Sample a configuration on an Optuna trial."""
        r_name = trial.suggest_categorical("resampler", list(self.resamplers))
        r_spec = self.resamplers[r_name]
        r_params = {
            key: _suggest(trial, f"{r_name}__{key}", dist)
            for key, dist in r_spec.search_space(self.max_k[r_name]).items()
        }
        c_name = trial.suggest_categorical("classifier", list(self.classifiers))
        c_spec = self.classifiers[c_name]
        c_params = {
            key: _suggest(trial, f"{c_name}__{key}", dist)
            for key, dist in c_spec.search_space().items()
        }
        cost = 0.0
        if self.cost_weighting and c_spec.weighting_method() is not None:
            cost = _suggest(trial, "cost_weight", _COST)
        return PipelineConfig(r_spec, r_params, c_spec, c_params, cost)

    def config_from_params(self, params):
        """The configuration of a finished trial's parameters."""
        r_spec = self.resamplers[params["resampler"]]
        c_spec = self.classifiers[params["classifier"]]
        prefix_r = f"{r_spec.name}__"
        prefix_c = f"{c_spec.name}__"
        return PipelineConfig(
            r_spec,
            {k[len(prefix_r):]: v for k, v in params.items() if k.startswith(prefix_r)},
            c_spec,
            {k[len(prefix_c):]: v for k, v in params.items() if k.startswith(prefix_c)},
            float(params.get("cost_weight", 0.0)),
        )

    def _valid(self, params):
        if params["resampler"] not in self.resamplers:
            return False
        if params["classifier"] not in self.classifiers:
            return False
        r_space = self.resamplers[params["resampler"]].search_space(
            self.max_k[params["resampler"]]
        )
        c_space = self.classifiers[params["classifier"]].search_space()
        expected = {f"{params['resampler']}__{k}": d for k, d in r_space.items()}
        expected.update({f"{params['classifier']}__{k}": d for k, d in c_space.items()})
        for name, dist in expected.items():
            if name not in params or not _contains(dist, params[name]):
                return False
        return True

    def portfolio(self):
        """Warm-start parameter sets valid in this space, in order."""
        out = []
        for params in PORTFOLIO:
            params = dict(params)
            if not self._valid(params):
                continue
            c_spec = self.classifiers[params["classifier"]]
            if not (self.cost_weighting and c_spec.weighting_method() is not None):
                params.pop("cost_weight", None)
            out.append(params)
        return out

"""Classifier specs: how to build each model, its search space and its cost weights.

Cost-sensitive weighting is one number per trial, ``cost_weight`` (alpha in
[0, 1]): class ``c`` gets weight ``(n_max / n_c) ** alpha`` computed on the
rows the model is fitted on (after resampling), so ``0`` is unweighted and
``1`` is fully balanced. Each spec maps it to the model's own mechanism:
``class_weight`` (logistic regression, forests, LightGBM),
``scale_pos_weight`` (XGBoost, binary) or ``sample_weight`` (XGBoost,
multiclass; any estimator whose ``fit`` takes it).

Inputs arrive as the float matrix of :class:`~imbtune.preprocessing.TabularEncoder`
with a mask of the columns that hold category codes. Boosters read those
codes natively; logistic regression one-hot encodes them and standardises
the rest; forests split on the codes.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import copy
import difflib
import functools
import inspect
import numbers
import time
import warnings

import numpy as np
from optuna.distributions import FloatDistribution, IntDistribution
from scipy import sparse
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from . import _deadline
from ._deadline import DeadlineExceeded  # noqa: F401 (its home before _deadline)
from ._validation import overflow_error, user_stacklevel
from .preprocessing import _OneHotColumns

__all__ = [
    "CLASSIFIERS",
    "DEFAULT_CLASSIFIERS",
    "ClassifierSpec",
    "FitContext",
    "class_weights",
    "get_classifier_spec",
]


class FitContext:
    """What a classifier needs to know about the rows it is fitted on.

    Parameters
    ----------
    y : ndarray of int
        Encoded labels (after resampling).
    n_classes : int
        Number of classes of the problem.
    categorical_mask : ndarray of bool
        Columns that hold category codes.
    cost_weight : float
        Alpha of the class weights (0 = none, 1 = balanced).
    random_state : int
        Seed.
    n_threads : int
        Threads the model may use.
    deadline : float, callable or None
        ``time.monotonic()`` value after which training should stop, or a
        callable returning it (a search moves its deadline as it learns how
        long the refit will take).
    """

    def __init__(
        self, y, n_classes, categorical_mask, cost_weight=0.0, random_state=0,
        n_threads=1, deadline=None,
    ):
        self.y = y
        self.n_classes = n_classes
        self.categorical_mask = np.asarray(categorical_mask, dtype=bool)
        self.cost_weight = cost_weight
        self.random_state = random_state
        self.n_threads = n_threads
        self.deadline = deadline

    @property
    def class_weight(self):
        """Weights per encoded class, or None when unweighted."""
        if not self.cost_weight:
            return None
        return class_weights(self.y, self.n_classes, self.cost_weight)

    def seconds_left(self):
        """Seconds until the deadline (negative once past it), or None."""
        return _deadline.seconds_left(self.deadline)

    def check_deadline(self):
        """Raise :class:`DeadlineExceeded` once the deadline has passed."""
        _deadline.check(self.deadline)


def class_weights(y, n_classes, alpha):
    """``{c: (n_max / n_c) ** alpha}`` over the classes present in ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtune.classifiers import class_weights
    >>> class_weights(np.array([0, 0, 0, 0, 1]), 2, 0.5)
    {0: 1.0, 1: 2.0}
    """
    counts = np.bincount(y, minlength=n_classes).astype(float)
    n_max = counts.max()
    return {
        int(c): float((n_max / counts[c]) ** alpha) if counts[c] > 0 else 1.0
        for c in range(n_classes)
    }


def _sample_weight(y, weights):
    return np.asarray([weights[int(label)] for label in y], dtype=float)


# Parameters by which a model weighs its classes itself, and their values
# that leave it unweighted (LightGBM's and XGBoost's own, and class_weight).
_OWN_WEIGHTS = {
    "class_weight": (None,),
    "scale_pos_weight": (None, 1, 1.0),
    "is_unbalance": (None, False),
}


def _own_in_params(params):
    """Why parameters given to a build weigh the classes themselves, or None."""
    for key, value in params.items():
        param = key.split("__")[-1]
        if param in _OWN_WEIGHTS and not (value is None or any(
                value is v or (not isinstance(value, dict | str) and value == v)
                for v in _OWN_WEIGHTS[param])):
            return f"its parameters set {key}={value!r}"
    return None


def _mark_categories(model, X, ctx):
    """Tell a model that reads categories "from_dtype"
    (``HistGradientBoostingClassifier``) which columns of the NumPy array it
    is given hold category codes: those of few enough categories for it
    (``max_bins``); a column of more stays numeric, as it was."""
    params = model.get_params()
    if (not ctx.categorical_mask.any() or sparse.issparse(X)
            or not isinstance(params.get("categorical_features"), str)
            or params["categorical_features"] != "from_dtype"):
        return
    limit = params.get("max_bins", 255)
    mask = ctx.categorical_mask.copy()
    for j in np.flatnonzero(mask):
        column = np.asarray(X[:, j], dtype=float)
        if len(np.unique(column[~np.isnan(column)])) > limit:
            mask[j] = False
    if mask.any():
        model.set_params(categorical_features=mask)


def _sampler_steps(estimator):
    """Names of the steps of a pipeline that resample (imbalanced-learn's
    ``Pipeline`` with a sampler before the model)."""
    if not isinstance(estimator, Pipeline):
        return []
    return [name for name, step in estimator.steps[:-1] if hasattr(step, "fit_resample")]


def _accepts_sample_weight(estimator, or_keywords=False):
    """Whether the model's ``fit`` names ``sample_weight``; with
    ``or_keywords``, or takes ``**kwargs`` (``VotingClassifier``,
    ``StackingClassifier``: they pass it on), where a user says it does."""
    if isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    try:
        parameters = inspect.signature(estimator.fit).parameters
    except (TypeError, ValueError):
        return False
    return "sample_weight" in parameters or (or_keywords and any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    ))


def _routing_enabled():
    import sklearn

    return bool(sklearn.get_config().get("enable_metadata_routing", False))


def _request_sample_weight(estimator):
    """Under metadata routing: a Pipeline's final model (in nested Pipelines
    too) requests ``sample_weight``; its other steps that take one do not."""
    if isinstance(estimator, Pipeline):
        for _, step in estimator.steps[:-1]:
            # the step and what it holds (a ColumnTransformer's scaler, say)
            parts = [step, *step.get_params(deep=True).values()] if hasattr(
                step, "get_params") else [step]
            for part in parts:
                if (hasattr(part, "set_fit_request") and not isinstance(part, type)
                        and _accepts_sample_weight(part)):
                    part.set_fit_request(sample_weight=False)
        _request_sample_weight(estimator.steps[-1][1])
    else:
        estimator.set_fit_request(sample_weight=True)


class _CheckedScaler(StandardScaler):
    """``StandardScaler`` that refuses columns it cannot standardise.

    Values past about 1e154 overflow the float64 squares of the variance,
    and the scaled column comes out NaN; the model would then fail with
    "Input X contains NaN", which points at missing values, not at the scale.
    """

    def fit(self, X, y=None, sample_weight=None):
        super().fit(X, y, sample_weight=sample_weight)
        stats = [s for s in (self.mean_, self.scale_, self.var_) if s is not None]
        if not all(np.isfinite(s).all() for s in stats):
            raise overflow_error(
                "Standardising X for logistic regression", X, "classifier", "logreg"
            )
        return self


def _one_hot_scaler(mask, model, scale=True):
    """The one-hot view of category codes for ``model``: sparse on a large
    table where ``model`` takes a sparse matrix (see _OneHotColumns)."""
    try:
        sparse_ok = bool(get_tags(model).input_tags.sparse)
    except Exception:  # a model without scikit-learn's tags: dense, as ever
        sparse_ok = False
    return _OneHotColumns(mask, scaler=_CheckedScaler() if scale else None,
                         sparse_ok=sparse_ok)


_TREE_THRESHOLD = 1e-7  # scikit-learn's trees read a narrower feature as constant


def warn_tiny_ranges(frame, specs):
    """Warn where scikit-learn's trees, among ``specs``, would read a numeric
    column of ``frame`` as constant: one that varies by less than 1e-7 (its
    FEATURE_THRESHOLD), as quantities in small units do. The forests then
    learn nothing from it, without a word of their own."""
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from sklearn.tree import DecisionTreeClassifier

    trees = (RandomForestClassifier, ExtraTreesClassifier, DecisionTreeClassifier)
    names = [spec.name for spec in specs
             if isinstance(spec, _Forest) or isinstance(spec.estimator, trees)]
    if not names:
        return
    numeric = frame.select_dtypes("number")
    spread = numeric.max() - numeric.min()
    narrow = [str(c) for c, width in spread.items() if 0 < width < _TREE_THRESHOLD]
    if narrow:
        shown = ", ".join(repr(c) for c in narrow[:5]) + (", ..." if len(narrow) > 5 else "")
        warnings.warn(
            f"Column(s) {shown} vary by less than 1e-7, which scikit-learn's trees "
            f"({', '.join(names)}) read as constant: they learn nothing from them. "
            "Multiply those columns by a constant (1e6, say) before fitting; "
            "LightGBM, XGBoost and logistic regression are not affected.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


class ClassifierSpec:
    """A classifier and its search space.

    Parameters
    ----------
    name : str
        Name used in ``classifiers=`` and in trial parameters.
    estimator : classifier
        Template; each build clones it and applies the sampled parameters with
        ``set_params``. It must have ``predict_proba``. A ``random_state``
        left at None (in a ``Pipeline``'s steps too) takes the study's seed,
        so one ``random_state`` repeats the study; a seed of its own is kept.
    space : dict of str to optuna distribution, default=None
        Parameters to search, named as in ``estimator.set_params``.
    weighting : {"auto", "class_weight", "sample_weight", None}, default="auto"
        How ``cost_weight`` reaches the model: ``"auto"`` uses a
        ``class_weight`` parameter when the estimator has one, else
        ``sample_weight`` when its ``fit`` names one; ``None`` means the model
        cannot be weighted (``cost_weight`` is then not searched for it).
        ``"sample_weight"`` also reaches a ``fit`` that takes ``**kwargs``
        and passes them on (``VotingClassifier``, ``StackingClassifier``).
        ``"auto"`` also leaves unweighted, with a warning at ``fit``, an
        estimator that weighs classes itself (a ``class_weight``,
        ``scale_pos_weight`` or ``is_unbalance`` set on the model, the last
        step of a pipeline, or searched in ``space``) and a pipeline that
        resamples before its model (see :meth:`own_weighting`); naming a
        weighting for those is refused.
    native_categorical : bool, default=False
        If False, columns of category codes are one-hot encoded before the
        estimator sees them; if True the codes are passed as they are, and
        the estimator's own ``categorical_features`` left at
        ``"from_dtype"`` (``HistGradientBoostingClassifier``, not inside a
        pipeline) is set, at fit, to the mask of those columns that have no
        more categories than its ``max_bins``.

    Examples
    --------
    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> from optuna.distributions import FloatDistribution
    >>> from imbtune import ClassifierSpec
    >>> spec = ClassifierSpec(
    ...     "hgb", HistGradientBoostingClassifier(),
    ...     space={"learning_rate": FloatDistribution(0.01, 0.3, log=True)})
    >>> spec.weighting_method()
    'class_weight'
    """

    def __init__(
        self, name, estimator, space=None, *, weighting="auto", native_categorical=False
    ):
        self.name = name
        self.estimator = estimator
        self.space = dict(space or {})
        self.weighting = weighting
        self.native_categorical = native_categorical

    def __sklearn_clone__(self):
        """The copy :func:`sklearn.base.clone` makes (of a search or pipeline
        holding this spec): the same spec around a clone of the template, which
        is unfitted and shares nothing, instead of a deep copy of the template
        (which fails for models holding a lock or other unpicklable state)."""
        new = copy.copy(self)
        new.space = dict(self.space)
        if self.estimator is not None:
            new.estimator = clone(self.estimator)
        return new

    def own_weighting(self):
        """Why the estimator takes no cost weight from imbtune, or None.

        A ``class_weight`` (or LightGBM's and XGBoost's ``scale_pos_weight``
        or ``is_unbalance``) set on the model (the last step of a pipeline)
        or searched in its space is the user's own: imbtune's weights would
        replace it, or multiply it as sample weights. A pipeline that
        resamples before its model fits the model on other rows than the
        weights are computed for. ``weighting="auto"`` leaves such an
        estimator unweighted (``cost_weight`` is not searched for it).
        """
        # the template as the user gave it (a copy made for one fit holds
        # its class labels translated to y's codes)
        template = getattr(self, "_user_template", self.estimator)
        if template is None or not hasattr(template, "get_params"):
            return None
        model, prefix = template, ""
        if isinstance(template, Pipeline):  # the model's weights, not a step's
            name, model = template.steps[-1]
            prefix = f"{name}__"
        params = {prefix + key: value for key, value in model.get_params().items()}
        for key in sorted(set(params) | {k for k in self.space if k.startswith(prefix)}):
            param = key.split("__")[-1]
            if param not in _OWN_WEIGHTS:
                continue
            if key in self.space:
                return f"its space searches {key}"
            if params[key] not in _OWN_WEIGHTS[param]:
                return f"it sets {key}={params[key]!r}"
        steps = _sampler_steps(template)
        if steps:
            return (
                f"its pipeline resamples (step {steps[0]!r}) before the model, so "
                "weights of the rows it is given cannot reach the model"
            )
        return None

    def weighting_method(self):
        """``"class_weight"``, ``"sample_weight"`` or None."""
        if self.weighting != "auto":
            return self.weighting
        if self.own_weighting() is not None:
            return None
        if "class_weight" in self.estimator.get_params():
            return "class_weight"
        if _accepts_sample_weight(self.estimator):
            return "sample_weight"
        return None

    def search_space(self):
        """The distributions to search."""
        return dict(self.space)

    def needs_finite(self):
        """Whether missing values must be imputed first."""
        try:
            return not get_tags(self.estimator).input_tags.allow_nan
        except Exception:  # estimators without tags
            return True

    def round_checkpoints(self, params):
        """Numbers of boosting rounds at which one fit can also be scored.

        ``None`` (the default) for a model without rounds. A booster returns
        a few counts up to its ``n_estimators`` (see
        :data:`ROUND_FRACTIONS`): its fold fits are then scored at each, as
        if a model of that many rounds had been fitted, which it would be
        (the first k rounds of a fit do not depend on how many follow).
        """
        return None

    def float32_only(self):
        """Whether the model reads ``X`` as float32 (XGBoost, scikit-learn's
        trees), so values past float32's range (about 3.4e38) break it."""
        return False

    def fit_model(self, model, X, y, fit_params, ctx):
        """Fit the model :meth:`build` made; returns it.

        The default is ``model.fit(X, y, **fit_params)``, except that a
        scikit-learn ``RandomForestClassifier`` or ``ExtraTreesClassifier``
        under a deadline grows in steps, as the built-in forests do. A spec
        whose model can be grown in steps overrides it to call
        ``ctx.check_deadline()`` between them, so that a search's ``timeout``
        stops it part-way (boosters check from a callback instead).
        """
        if self.native_categorical:
            _mark_categories(model, X, ctx)
        if _steppable_forest(model):
            return _fit_forest(model, X, y, fit_params, ctx)
        model.fit(X, y, **fit_params)
        return model

    def after_fit(self, model):
        """The fitted model without what only its training needed (the
        default: as it is). A spec whose :meth:`build` hands the model
        something that must not outlive ``fit``, such as a deadline callback
        (which cannot be pickled), takes it off here."""
        return model

    def predict_proba_rounds(self, model, X, rounds):
        """``predict_proba`` of a fitted model's first ``rounds`` rounds."""
        raise NotImplementedError(
            f"Classifier {self.name!r} has no boosting rounds to predict with."
        )

    def build(self, params, ctx):
        """An unfitted estimator and the keyword arguments for its ``fit``."""
        estimator = clone(self.estimator).set_params(**params)
        unseeded = {
            key: ctx.random_state
            for key, value in estimator.get_params().items()
            if value is None and key.split("__")[-1] == "random_state"
        }
        if unseeded:
            estimator.set_params(**unseeded)
        fit_params = {}
        method = self.weighting_method()
        weights = ctx.class_weight
        if weights is not None:
            own = _own_in_params(params) or self.own_weighting()
            if own is not None:
                # (a search leaves such a model unweighted; ImbalancedPipeline
                # is given its cost_weight)
                raise ValueError(
                    f"Classifier {self.name!r} takes no cost weight from imbtune, "
                    f"as {own}: imbtune's weights would replace or multiply it. Set "
                    "cost_weight=0 for it, or leave its own weighting out."
                )
            if method == "class_weight":
                estimator.set_params(class_weight=weights)
            elif method == "sample_weight":
                key = (
                    f"{estimator.steps[-1][0]}__sample_weight"
                    if isinstance(estimator, Pipeline)
                    else "sample_weight"
                )
                fit_params[key] = _sample_weight(ctx.y, weights)
            else:
                raise ValueError(
                    f"Classifier {self.name!r} takes neither class_weight nor "
                    "sample_weight, so cost_weight must be 0 for it."
                )
        if ctx.categorical_mask.any() and not self.native_categorical:
            # One-hot the code columns; sample weights then address the model step.
            fit_params = {f"model__{k}": v for k, v in fit_params.items()}
            estimator = Pipeline(
                [("onehot", _one_hot_scaler(ctx.categorical_mask, estimator, scale=False)),
                 ("model", estimator)]
            )
        if fit_params and isinstance(estimator, Pipeline) and _routing_enabled():
            # Under scikit-learn's metadata routing a Pipeline refuses
            # "step__sample_weight": the final model requests the weights.
            _request_sample_weight(estimator)
            fit_params = {"sample_weight": next(iter(fit_params.values()))}
        return estimator, fit_params

    def __repr__(self):
        return f"ClassifierSpec({self.name!r})"


# --------------------------------------------------------------------------
# Built-ins
# --------------------------------------------------------------------------


ROUND_FRACTIONS = (0.125, 0.25, 0.5, 0.75, 1.0)
"""Fractions of a booster's ``n_estimators`` at which its fits are scored
when ``ImbalancedSearchCV(select_rounds=True)``."""

_MIN_ROUNDS = 10


class _Boosting(ClassifierSpec):
    """A booster: its rounds can be cut short at prediction time."""

    def round_checkpoints(self, params):
        n = params.get("n_estimators")
        if n is None:
            return None
        n = int(n)
        return sorted(
            {min(n, max(_MIN_ROUNDS, int(round(n * f)))) for f in ROUND_FRACTIONS}
        )


def _lightgbm_deadline_callback(ctx):
    def callback(env):
        if env.iteration % 10 == 0:
            ctx.check_deadline()

    callback.order = 100
    return callback


@functools.lru_cache(maxsize=1)
def _lightgbm_names():
    """``(groups, sklearn_names)``: ``groups`` maps each LightGBM parameter
    name and alias to the set of names of its parameter (``{}`` where
    LightGBM's table of aliases, not public API, cannot be read);
    ``sklearn_names`` are those its scikit-learn API sets itself."""
    from lightgbm import LGBMClassifier

    sklearn_names = frozenset(LGBMClassifier().get_params()) | {"verbose"}
    try:
        from lightgbm.basic import _ConfigAliases

        _ConfigAliases.get("num_leaves")  # loads the table
        table = dict(_ConfigAliases.aliases)
    except Exception:  # pragma: no cover - another LightGBM
        return {}, sklearn_names
    groups = {}
    for canonical, aliases in table.items():
        group = frozenset({canonical, *aliases})
        for name in group:
            groups[name] = group
    return groups, sklearn_names


def _check_lightgbm_params(params):
    """Refuse what LightGBM would ignore without a word: a name it does not
    know, or an alias of a parameter its scikit-learn API sets (``num_leaf``
    next to the ``num_leaves`` it passes); and what imbtune sets itself.
    LightGBM's own main names (``min_data_in_leaf``) win over the
    scikit-learn ones and are taken, as are aliases of parameters the
    scikit-learn API leaves alone (``extra_tree``)."""
    groups, sklearn_names = _lightgbm_names()
    for key in params:
        group = groups.get(key, frozenset({key}))
        imbtune_sets = sorted(group & set(_LIGHTGBM_SET_BY_IMBTUNE))
        if imbtune_sets:
            name = imbtune_sets[0]
            if _LIGHTGBM_SET_BY_IMBTUNE[name] is None:
                raise ValueError(
                    f"LightGBM's {name!r} would weigh the classes a second time, on "
                    "top of the class_weight imbtune sets from cost_weight; leave "
                    f"{key!r} out and search or set cost_weight (1.0 is 'balanced'), "
                    "or pass your own LGBMClassifier instead of the name."
                )
            raise ValueError(
                f"imbtune sets LightGBM's {name!r} itself"
                f"{_LIGHTGBM_SET_BY_IMBTUNE[name]}; leave {key!r} out of the "
                "parameters."
            )
        if not groups or key in sklearn_names:
            continue
        if key not in groups:
            known = sorted(set(groups) | sklearn_names)
            close = difflib.get_close_matches(key, known, n=3)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise ValueError(f"LightGBM has no parameter {key!r}.{hint}")
        main = _lightgbm_main_name(key)
        set_by_sklearn = sorted(group & sklearn_names)
        if set_by_sklearn and (key != main or main == "num_iterations"):
            raise ValueError(
                f"{key!r} is LightGBM's alias of {set_by_sklearn[0]!r}, which its "
                f"scikit-learn API sets, so the alias would be ignored; pass "
                f"{set_by_sklearn[0]!r} instead."
            )


def _lightgbm_main_name(name):
    from lightgbm.basic import _ConfigAliases

    for canonical, aliases in _ConfigAliases.aliases.items():
        if name == canonical or name in aliases:
            return canonical
    return name


_LIGHTGBM_SET_BY_IMBTUNE = {
    "random_state": " (from the search's or pipeline's random_state)",
    "n_jobs": " (from n_jobs)",
    "class_weight": " (from cost_weight)",
    # a second weighting of the classes, multiplied with class_weight's
    "scale_pos_weight": None,
    "is_unbalance": None,
    "verbose": " (-1, silent)",
}

# What the other built-ins set themselves; given in their parameters too,
# it was a TypeError ("got multiple values for keyword argument").
_SET_BY_IMBTUNE = {
    "random_state": " (from the search's or pipeline's random_state)",
    "seed": " (as random_state, from the search's or pipeline's random_state)",
    "n_jobs": " (from n_jobs)",
    "nthread": " (as n_jobs, from n_jobs)",
    "class_weight": " (from cost_weight)",
    "scale_pos_weight": " (from cost_weight)",
    "callbacks": " (its deadline)",
    "enable_categorical": " (category codes are passed as categories)",
    "feature_types": " (from the categorical columns)",
}


def _refuse_set_by_imbtune(name, params, keys):
    """Refuse a built-in's parameter that imbtune sets itself, saying how it
    is set and what to do instead."""
    for key in keys:
        if key in params:
            advice = (
                "search cost_weight, or give it a cost_weight (1.0 is "
                "'balanced'); for weights of your own, pass your own "
                "estimator instead of the name"
                if _SET_BY_IMBTUNE[key] == " (from cost_weight)" else
                "leave it out of the parameters"
            )
            raise ValueError(
                f"imbtune sets {name}'s {key!r} itself{_SET_BY_IMBTUNE[key]}; "
                f"{advice}."
            )


class _LightGBM(_Boosting):
    def __init__(self):
        super().__init__(
            "lightgbm",
            None,
            {
                "n_estimators": IntDistribution(50, 1000, log=True),
                "learning_rate": FloatDistribution(0.01, 0.3, log=True),
                "num_leaves": IntDistribution(4, 128, log=True),
                "min_child_samples": IntDistribution(2, 100, log=True),
                "subsample": FloatDistribution(0.5, 1.0),
                "colsample_bytree": FloatDistribution(0.3, 1.0),
                "reg_lambda": FloatDistribution(1e-3, 10.0, log=True),
            },
            weighting="class_weight",
            native_categorical=True,
        )

    def needs_finite(self):
        return False

    def build(self, params, ctx):
        from lightgbm import LGBMClassifier

        _check_lightgbm_params(params)
        params = dict(params)
        if params.get("subsample", 1.0) < 1.0:
            params["subsample_freq"] = 1
        # LightGBM's categorical defaults are made for big tables: columns of
        # more than 4 categories get many-vs-many splits, regularised and
        # needing 100 rows per group. With a few thousand rows and a rare class
        # that hides what a 5-valued column says (thyroid_sick_raw: CV PR-AUC
        # 0.94 -> 0.97, benchmarks/results/lightgbm_categories.md). Up to 8
        # categories are split one-vs-rest, as in the XGBoost spec, and a group
        # needs as many rows as a leaf.
        params.setdefault("min_data_per_group", params.get("min_child_samples", 20))
        params.setdefault("max_cat_to_onehot", 8)
        model = LGBMClassifier(
            random_state=ctx.random_state,
            n_jobs=ctx.n_threads,
            verbose=-1,
            class_weight=ctx.class_weight,
            **params,
        )
        categorical = np.flatnonzero(ctx.categorical_mask).tolist()
        fit_params = {"categorical_feature": categorical or "auto"}
        if ctx.deadline is not None:
            fit_params["callbacks"] = [_lightgbm_deadline_callback(ctx)]
        return model, fit_params

    def predict_proba_rounds(self, model, X, rounds):
        return model.predict_proba(X, num_iteration=int(rounds))


class _XGBoost(_Boosting):
    def __init__(self):
        super().__init__(
            "xgboost",
            None,
            {
                "n_estimators": IntDistribution(50, 1000, log=True),
                "learning_rate": FloatDistribution(0.01, 0.3, log=True),
                "max_depth": IntDistribution(2, 10),
                "min_child_weight": FloatDistribution(0.5, 20.0, log=True),
                "subsample": FloatDistribution(0.5, 1.0),
                "colsample_bytree": FloatDistribution(0.3, 1.0),
                "reg_lambda": FloatDistribution(1e-3, 10.0, log=True),
            },
            weighting="scale_pos_weight",
            native_categorical=True,
        )

    def float32_only(self):
        return True

    def needs_finite(self):
        return False

    def build(self, params, ctx):
        from xgboost import XGBClassifier
        from xgboost.callback import TrainingCallback

        class _Deadline(TrainingCallback):
            def after_iteration(self, model, epoch, evals_log):
                if epoch % 10 == 0:
                    ctx.check_deadline()
                return False

        _refuse_set_by_imbtune(
            "XGBoost", params, ["random_state", "seed", "n_jobs", "nthread",
                                "scale_pos_weight", "callbacks", "enable_categorical",
                                "feature_types"]
        )
        weights = ctx.class_weight
        extra = {}
        fit_params = {}
        if weights is not None:
            if ctx.n_classes == 2:
                extra["scale_pos_weight"] = weights[1] / weights[0]
            else:
                fit_params["sample_weight"] = _sample_weight(ctx.y, weights)
        # defaults a user's parameters may change
        params = {"tree_method": "hist", "max_cat_to_onehot": 8, **params}
        model = XGBClassifier(
            enable_categorical=True,
            feature_types=["c" if c else "q" for c in ctx.categorical_mask],
            random_state=ctx.random_state,
            n_jobs=ctx.n_threads,
            callbacks=[_Deadline()] if ctx.deadline is not None else None,
            **extra,
            **params,
        )
        return model, fit_params

    def after_fit(self, model):
        # The deadline callback is a local class: a model that kept it could
        # not be pickled, and the deadline means nothing after the search.
        return model.set_params(callbacks=None)

    def predict_proba_rounds(self, model, X, rounds):
        fitted = model.get_booster().num_boosted_rounds()
        return model.predict_proba(X, iteration_range=(0, min(int(rounds), fitted)))


class _LogisticRegression(ClassifierSpec):
    def __init__(self):
        from sklearn.linear_model import LogisticRegression

        super().__init__(
            "logreg",
            LogisticRegression(),
            {"C": FloatDistribution(1e-3, 100.0, log=True)},
            weighting="class_weight",
        )

    def needs_finite(self):
        return True

    def build(self, params, ctx):
        from sklearn.linear_model import LogisticRegression

        _refuse_set_by_imbtune("logistic regression", params, ["class_weight"])
        model = LogisticRegression(
            **{"max_iter": 2000, **params}, class_weight=ctx.class_weight
        )
        return (
            Pipeline(
                [("encode", _one_hot_scaler(ctx.categorical_mask, model)), ("model", model)]
            ),
            {},
        )


_FOREST_FIRST_TREES = 10
"""Trees a forest fits first under a deadline, to time one tree."""


def _sklearn_forests():
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

    return (RandomForestClassifier, ExtraTreesClassifier)


def _steppable_forest(model):
    """Whether a user's model is a scikit-learn forest (alone or after
    transformers in a Pipeline) that grows in steps to the trees of one fit:
    not one with an OOB score (each step would compute it, and warn), a
    class-weight preset (scikit-learn warns at each step), a RandomState
    instance for a seed (its trees would depend on the steps), or a
    resampler before it (each step would resample again)."""
    if isinstance(model, Pipeline):
        if any(hasattr(step, "fit_resample") for _, step in model.steps[:-1]):
            return False
        model = model.steps[-1][1]
    return (
        type(model) in _sklearn_forests()
        and not model.warm_start
        and not model.oob_score
        and not isinstance(model.class_weight, str)
        and (model.random_state is None or isinstance(model.random_state, numbers.Integral))
    )


def _fit_forest(model, X, y, fit_params, ctx):
    """Fit a scikit-learn forest (or a Pipeline ending in one); under a
    deadline, in steps.

    Under a deadline the forest grows in steps (``warm_start``) with a
    deadline check between them, so that a timeout stops it within about
    ``_deadline.STEP_SECONDS`` instead of after the whole forest (which
    overran timeout=20 by 5 s on 22,500 rows): ``_FOREST_FIRST_TREES`` trees
    first, to time one, then as :func:`_deadline.next_step` says. The trees
    are those of one fit:
    scikit-learn draws the seeds of the trees it adds after those it already
    has, as if they had been fitted at once.
    """
    forest = model.steps[-1][1] if isinstance(model, Pipeline) else model
    total = forest.n_estimators
    # A search without a timeout gives a deadline that says None.
    if ctx.seconds_left() is None or total <= _FOREST_FIRST_TREES:
        model.fit(X, y, **fit_params)
        return model
    forest.set_params(warm_start=True, n_estimators=_FOREST_FIRST_TREES)
    start = time.monotonic()
    model.fit(X, y, **fit_params)
    seconds_per_tree = (time.monotonic() - start) / _FOREST_FIRST_TREES
    fitted = _FOREST_FIRST_TREES
    while fitted < total:
        ctx.check_deadline()
        fitted += _deadline.next_step(fitted, total, seconds_per_tree, ctx.deadline)
        forest.set_params(n_estimators=fitted)
        model.fit(X, y, **fit_params)
    forest.set_params(warm_start=False)
    return model


class _Forest(ClassifierSpec):
    # More trees do not make a forest overfit, they only cost time, and a
    # trial fits one forest per fold. Up to 200 trees (was 500), and 150 in
    # the warm-start portfolio (was 300), left the searches 1.5 times as many
    # trials and scored higher held-out on eight datasets outside the
    # comparison: +0.006 on average (standard error 0.005; 11 up, 4 down of
    # 16), benchmarks/results/forest_trees.md.
    def __init__(self, name, factory):
        super().__init__(
            name,
            None,
            {
                "n_estimators": IntDistribution(50, 200, log=True),
                "max_depth": IntDistribution(3, 40, log=True),
                "min_samples_leaf": IntDistribution(1, 30, log=True),
                "max_features": FloatDistribution(0.05, 1.0),
            },
            weighting="class_weight",
            native_categorical=True,
        )
        self.factory = factory

    def float32_only(self):
        return True

    def needs_finite(self):
        return False

    def build(self, params, ctx):
        _refuse_set_by_imbtune(self.name, params, ["random_state", "n_jobs", "class_weight"])
        model = self.factory(
            random_state=ctx.random_state,
            n_jobs=ctx.n_threads,
            class_weight=ctx.class_weight,
            **params,
        )
        return model, {}

    def fit_model(self, model, X, y, fit_params, ctx):
        return _fit_forest(model, X, y, fit_params, ctx)


def _random_forest(**kwargs):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(**kwargs)


def _extra_trees(**kwargs):
    from sklearn.ensemble import ExtraTreesClassifier

    return ExtraTreesClassifier(**kwargs)


CLASSIFIERS = {
    spec.name: spec
    for spec in [
        _LightGBM(),
        _XGBoost(),
        _LogisticRegression(),
        _Forest("random_forest", _random_forest),
        _Forest("extra_trees", _extra_trees),
    ]
}

DEFAULT_CLASSIFIERS = ("lightgbm", "xgboost", "logreg", "random_forest", "extra_trees")


def _probability_advice(estimator):
    """How to give a classifier without predict_proba probabilities."""
    name = type(estimator).__name__
    if isinstance(estimator, Pipeline) and hasattr(estimator, "decision_function"):
        return ("Wrap its last step in CalibratedClassifierCV(..., ensemble=False), "
                "which gives probabilities.")
    if hasattr(estimator, "decision_function"):
        return f"Wrap it: CalibratedClassifierCV({name}(...), ensemble=False)."
    return "Use a classifier that has predict_proba."


def get_classifier_spec(classifier):
    """The spec for a name, a spec, or an estimator object.

    Parameters
    ----------
    classifier : str, ClassifierSpec or classifier
        An estimator object becomes a spec with an empty search space.

    Returns
    -------
    spec : ClassifierSpec
    """
    if isinstance(classifier, ClassifierSpec):
        return classifier
    if isinstance(classifier, type):
        raise TypeError(
            f"classifier {classifier.__name__} is a class; pass an estimator object "
            f"such as {classifier.__name__}()."
        )
    if isinstance(classifier, str):
        if classifier not in CLASSIFIERS:
            raise ValueError(
                f"Unknown classifier {classifier!r}. Use one of "
                f"{sorted(CLASSIFIERS)}, a ClassifierSpec, or an estimator object."
            )
        return CLASSIFIERS[classifier]
    if hasattr(classifier, "fit") and hasattr(classifier, "get_params"):
        if not hasattr(classifier, "predict_proba"):
            raise TypeError(
                f"{type(classifier).__name__} has no predict_proba; imbtune needs "
                "probabilities to calibrate and to choose a threshold. "
                f"{_probability_advice(classifier)}"
            )
        return ClassifierSpec(type(classifier).__name__, classifier)
    raise TypeError(
        f"classifier must be a name, a ClassifierSpec or an estimator; got {classifier!r}."
    )

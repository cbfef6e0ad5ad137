"""ImbalancedPipeline: resampler -> classifier -> calibrator -> decision rule, as one classifier."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import numbers
import warnings

import joblib
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    TimeSeriesSplit,
)
from sklearn.utils import check_consistent_length, check_random_state, column_or_1d
from sklearn.utils.validation import check_is_fitted, validate_data

from ._validation import (
    array_column_names,
    as_frame,
    check_class_counts,
    check_group_counts,
    check_grouped_folds,
    check_groups,
    check_no_fit_params,
    check_same_rows,
    check_target,
    label_repr,
    resolve_pos_label,
    user_stacklevel,
    warn_columns,
)
from .classifiers import warn_tiny_ranges
from .decision import CALIBRATIONS
from .evaluation import (
    PipelineConfig,
    Problem,
    crossfit_scores,
    fit_decision,
    fit_final_model,
    fit_fold_models,
    fold_repeats,
    out_of_fold,
    predict_proba_full,
)
from .exceptions import FallbackWarning
from .metrics import get_metric
from .preprocessing import TabularEncoder

__all__ = ["ImbalancedPipeline", "RepeatedStratifiedGroupKFold"]


FINAL_MODELS = ("auto", "folds", "refit")
SMALL_TABLE_ROWS = 4000  # "auto" bags the fold models below this many rows


def resolve_final_model(final_model, n_rows):
    """``"folds"`` or ``"refit"``: what ``final_model`` means for ``n_rows``
    training rows (``"auto"``: the fold models below 4,000 rows).

    Examples
    --------
    >>> from imbtune.pipeline import resolve_final_model
    >>> resolve_final_model("auto", 576), resolve_final_model("auto", 8387)
    ('folds', 'refit')
    """
    if final_model == "auto":
        return "folds" if n_rows < SMALL_TABLE_ROWS else "refit"
    return final_model


def n_threads_for(n_jobs):
    """Threads for ``n_jobs`` in scikit-learn's convention (None = 1, -1 = all)."""
    if n_jobs is None:
        return 1
    if (
        not isinstance(n_jobs, numbers.Integral)
        or isinstance(n_jobs, bool | np.bool_)
        or n_jobs == 0
    ):
        raise ValueError(
            "n_jobs must be None, a positive int or a negative one (-1 = one per "
            f"core); got {n_jobs!r}."
        )
    cpus = joblib.cpu_count()  # the CPUs this process may use (affinity, cgroups)
    if n_jobs < 0:
        return max(1, cpus + 1 + n_jobs)
    return max(1, int(n_jobs))


def seed_from(random_state):
    """An int seed: the int itself, or one drawn from a RandomState, a
    Generator or (for None) numpy's global state."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if 0 <= random_state < 2**32:
            return int(random_state)
    elif isinstance(random_state, np.random.Generator):
        return int(random_state.integers(np.iinfo(np.int32).max))
    elif random_state is None or isinstance(random_state, np.random.RandomState):
        return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    raise ValueError(
        "random_state must be an int between 0 and 2**32 - 1, a "
        f"numpy.random.RandomState or Generator, or None; got {random_state!r}."
    )


class RepeatedStratifiedGroupKFold:
    """Stratified group K-fold, repeated with fresh shuffles.

    What ``RepeatedStratifiedKFold`` is to ``StratifiedKFold``, for
    scikit-learn's ``StratifiedGroupKFold``: each repetition partitions the
    rows into ``n_splits`` folds that never split a group and keep the class
    mix as even as the groups allow. ``StratifiedGroupKFold`` shuffles only
    the order of groups with the same class mix, so with few groups two
    repetitions can come out the same; such a repeat is left out, and fewer
    than ``n_repeats`` partitions may come back.

    Parameters
    ----------
    n_splits : int, default=5
        Folds per repetition.
    n_repeats : int, default=3
        Repetitions (at most; see above).
    random_state : int, RandomState or None, default=None
        Seed of the shuffles.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtune.pipeline import RepeatedStratifiedGroupKFold
    >>> y = np.array([0, 0, 0, 0, 1, 1] * 4)
    >>> groups = np.repeat(np.arange(12), 2)
    >>> cv = RepeatedStratifiedGroupKFold(n_splits=2, n_repeats=2, random_state=0)
    >>> splits = list(cv.split(np.zeros((24, 1)), y, groups))
    >>> len(splits)
    4
    >>> all(set(groups[tr]).isdisjoint(groups[va]) for tr, va in splits)
    True
    """

    def __init__(self, n_splits=5, n_repeats=3, random_state=None):
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.random_state = random_state

    def __repr__(self):
        return (
            f"{type(self).__name__}(n_repeats={self.n_repeats}, "
            f"n_splits={self.n_splits}, random_state={self.random_state!r})"
        )

    def get_n_splits(self, X=None, y=None, groups=None):
        """At most ``n_splits * n_repeats`` splits."""
        return self.n_splits * self.n_repeats

    def split(self, X, y, groups=None):
        """Yield ``(train, validation)`` index arrays, repetition by repetition."""
        if groups is None:
            raise ValueError(
                f"{type(self).__name__} keeps groups whole and needs them: pass "
                "fit(X, y, groups=...) with one group label per row."
            )
        rng = check_random_state(self.random_state)
        seen = set()
        for _ in range(self.n_repeats):
            splitter = StratifiedGroupKFold(self.n_splits, shuffle=True, random_state=rng)
            splits = list(splitter.split(X, y, groups))
            fold_of = np.empty(len(y), dtype=int)
            for k, (_, valid) in enumerate(splits):
                fold_of[valid] = k
            # The same partition, whatever the order of its folds.
            _, canonical = np.unique(fold_of, return_index=True)
            key = np.argsort(np.argsort(canonical))[fold_of].tobytes()
            if key in seen:
                continue
            seen.add(key)
            yield from splits


def stratified_splitter(n_splits, seed, n_repeats=1, grouped=False):
    """The shuffled stratified K-fold of an int ``cv``, repeated ``n_repeats``
    times; ``grouped``: its group K-fold, for ``fit(..., groups=...)``."""
    if grouped:
        if n_repeats == 1:
            return StratifiedGroupKFold(n_splits=int(n_splits), shuffle=True, random_state=seed)
        return RepeatedStratifiedGroupKFold(
            n_splits=int(n_splits), n_repeats=int(n_repeats), random_state=seed
        )
    if n_repeats == 1:
        return StratifiedKFold(n_splits=int(n_splits), shuffle=True, random_state=seed)
    return RepeatedStratifiedKFold(
        n_splits=int(n_splits), n_repeats=int(n_repeats), random_state=seed
    )


def check_cv(cv):
    """``cv`` as :func:`make_folds` takes it: None is scikit-learn's default of
    5 folds; an int (not a bool), a splitter (with ``split``) or an iterable
    of splits pass; anything else is a ``ValueError`` (as in scikit-learn's
    ``check_cv``) saying what fits."""
    if cv is None:
        return 5
    if isinstance(cv, numbers.Integral) and not isinstance(cv, (bool, np.bool_)):
        return cv
    if not isinstance(cv, (str, bytes, dict)) and (
        hasattr(cv, "split") or hasattr(cv, "__iter__")
    ):
        return cv
    raise ValueError(
        f"cv must be an int of at least 2 (the number of stratified folds), a "
        f"splitter such as StratifiedKFold(5), or an iterable of (train, "
        f"validation) index arrays; got {cv!r} ({type(cv).__name__})."
    )


def _split_indices(indices, n_rows, part):
    """One side of a given split as row positions: a boolean mask of the rows
    is read as scikit-learn reads it; positions must lie in 0..n_rows-1."""
    indices = np.asarray(indices)
    if indices.dtype == bool:
        if indices.shape != (n_rows,):
            raise ValueError(
                f"A {part} mask of cv has shape {indices.shape}, but X has "
                f"{n_rows} rows; give one boolean per row, or row positions. "
                f"{_FIXED_SPLITS}"
            )
        return np.flatnonzero(indices)
    if indices.size and indices.dtype.kind not in "iu":
        raise ValueError(
            f"The {part} indices of a cv split must be integer row positions or a "
            f"boolean mask; got dtype {indices.dtype}."
        )
    indices = indices.astype(np.intp).ravel()
    if indices.size and (indices.min() < 0 or indices.max() >= n_rows):
        bad = indices[(indices < 0) | (indices >= n_rows)][0]
        raise ValueError(
            f"A {part} index of cv is {bad}, but X has {n_rows} rows: split "
            f"indices must be row positions 0 to {n_rows - 1}. {_FIXED_SPLITS}"
        )
    return indices


_FIXED_SPLITS = (
    "Splits given as arrays fit one table only (a search given them passes "
    "them on to best_estimator_): to fit on other rows, set cv to an int or a "
    "splitter, for example estimator.set_params(cv=5)."
)


def _check_table_of_splits(folds, n_rows):
    """Splits given as arrays are made for one table: name those that end
    before the last row of X as made for a smaller one (a search given a
    list of splits hands it on to its ``best_estimator_``, which a user may
    refit on more rows). Row positions are checked against X already."""
    last = max((int(part.max()) for split_ in folds for part in split_ if part.size),
               default=-1)
    if 0 <= last < n_rows - 1:
        raise ValueError(
            f"cv is a list of {len(folds)} fixed splits whose rows end at row "
            f"{last}, but X has {n_rows} rows, so rows {last + 1} to {n_rows - 1} "
            "are in no validation fold (imbtune needs every row in one, to gather "
            f"out-of-fold scores). If the splits were made for a smaller table: "
            f"{_FIXED_SPLITS[0].lower()}{_FIXED_SPLITS[1:]}"
        )


def make_folds(cv, X, y, classes, seed, n_repeats=1, groups=None):
    """Fixed (train, validation) index pairs for ``cv``; checks class counts.

    An int ``cv`` gives stratified shuffled K-fold, repeated ``n_repeats``
    times with fresh shuffles; with ``groups`` (integer codes, see
    :func:`~imbtune._validation.check_groups`) stratified *group* K-fold,
    which never splits a group. A splitter or an iterable of splits must give
    one or more K-fold partitions in a row (``RepeatedStratifiedKFold``
    does): every row in exactly one validation fold of each repetition; a
    splitter gets ``groups`` too, and with groups no split may put a group on
    both sides.
    """
    def count_check(n_splits):
        if groups is None:
            check_class_counts(y, classes, n_splits)
        else:
            check_group_counts(y, classes, groups, n_splits)

    def split(splitter, X):
        if groups is None:
            return splitter.split(X, y)
        return splitter.split(X, y, groups)

    cv = check_cv(cv)
    if isinstance(cv, numbers.Integral):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds; got cv={cv}.")
        count_check(int(cv))
        splitter = stratified_splitter(cv, seed, n_repeats, grouped=groups is not None)
        folds = [(tr, va) for tr, va in split(splitter, np.zeros(len(y)))]
    elif hasattr(cv, "split"):
        if hasattr(cv, "get_n_splits"):
            # A repeated splitter's count covers every repetition.
            n_splits = (
                cv.get_n_splits(X, y) if groups is None else cv.get_n_splits(X, y, groups)
            ) // getattr(cv, "n_repeats", 1)
            count_check(n_splits)
        folds = list(split(cv, X))
    else:
        folds = list(cv)
    if not isinstance(cv, numbers.Integral):
        folds = [
            (_split_indices(tr, len(y), "training"),
             _split_indices(va, len(y), "validation"))
            for tr, va in folds
        ]
    if not isinstance(cv, numbers.Integral) and not hasattr(cv, "split"):
        _check_table_of_splits(folds, len(y))
    if isinstance(cv, TimeSeriesSplit):
        never = len(y) - len(np.unique(np.concatenate([va for _, va in folds])))
        raise ValueError(
            f"cv=TimeSeriesSplit(n_splits={cv.n_splits}) never validates its "
            f"first {never} rows, and imbtune needs every row in exactly one "
            "validation fold: it calibrates and picks the threshold on the "
            "out-of-fold scores of all rows. For time-ordered data, keep the "
            "latest rows as your own test set and search on the earlier ones "
            "with cv=5, or with groups= set to the period (a month, a week) so "
            "that no period is split between training and validation."
        )
    if len(folds) < 2:
        raise ValueError(f"cv must produce at least 2 splits; got {len(folds)}.")
    for k, (train, valid) in enumerate(folds):
        shared = np.intersect1d(train, valid)
        if len(shared):
            raise ValueError(
                f"Split {k} of cv has {len(shared)} row(s) in both its training "
                f"and its validation part (row {int(shared[0])}, ...): its score "
                "would come from a model fitted on the rows it scores. Give "
                "splits whose two parts do not overlap, as scikit-learn's "
                "splitters do."
            )
        missing = np.setdiff1d(np.arange(len(classes)), np.unique(y[train]))
        if len(missing):
            raise ValueError(
                f"A training fold of cv holds no row of class(es) "
                f"{', '.join(label_repr(c) for c in classes[missing])}; use a "
                "stratified splitter."
            )
    if groups is not None:
        check_grouped_folds(folds, y, classes, groups)
    fold_repeats(folds, len(y))
    return folds


def check_resampler_on(spec, frame):
    """Refuse a numeric-only resampler on a table with categorical columns
    (the search leaves such a resampler out, or refuses it by name)."""
    categorical = [c for c, dtype in frame.dtypes.items() if dtype.kind != "f"]
    if categorical and not spec.handles_categorical:
        raise ValueError(
            f"Resampler {spec.name!r} interpolates every column and cannot handle "
            f"the categorical column(s) {categorical[:5]}: it would blend their "
            "category codes into values that are no category. Use 'smote', "
            "'smote_tomek' or 'smote_enn' (they switch to SMOTENC) or a SMOTENC "
            "of your own; if the codes are numbers meant to be interpolated, "
            "pass ResamplerSpec(name, sampler, handles_categorical=True), or "
            "encode those columns as numbers yourself."
        )


def warn_notes(notes):
    """One FallbackWarning per distinct fallback message."""
    for note in sorted(notes):
        warnings.warn(note, FallbackWarning, stacklevel=3)


def _refuse_other_columns(columns, fitted):
    """Refuse a table whose column names (not strings: scikit-learn checks
    those) differ from those of fit, naming what differs."""
    if set(columns) == set(fitted):
        raise ValueError(
            "X has the columns of fit in another order; select them in "
            f"the order of fit: X[{fitted!r}]."
        )
    known = set(fitted)
    unseen = [name for name in columns if name not in known]
    present = set(columns)
    missing = [name for name in fitted if name not in present]
    raise ValueError(
        "X has other columns than fit had"
        + (f"; not seen in fit: {unseen[:10]!r}" if unseen else "")
        + (f"; missing: {missing[:10]!r}" if missing else "")
        + f". Pass the columns of fit, in its order: X[{fitted[:10]!r}"
        + ("...]." if len(fitted) > 10 else "].")
    )


class _DecisionClassifier(ClassifierMixin, BaseEstimator):
    """Shared by the fitted artefacts: raw probabilities -> calibrator -> rule.

    Subclasses provide ``_raw_proba(X)`` (uncalibrated probabilities of an
    already validated table) and set ``calibration``, ``threshold``,
    ``scoring``, ``pos_label``, ``cv`` and ``random_state``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def _check_decision_params(self):
        if self.calibration not in CALIBRATIONS:
            raise ValueError(
                f"Unknown calibration {self.calibration!r}; use one of "
                f"{list(CALIBRATIONS)}."
            )
        if self.threshold != "auto" and (
            not isinstance(self.threshold, numbers.Real)
            or isinstance(self.threshold, bool)
            or not 0.0 <= self.threshold <= 1.0
        ):
            raise ValueError(
                "threshold must be 'auto' or a probability in [0, 1] (the positive "
                f"class is predicted from there up); got {self.threshold!r}."
            )

    def _problem(self, X, y, n_threads=1, groups=None):
        """Validate ``X, y`` (and ``groups``) and build the fixed problem
        (folds, metric)."""
        metric = get_metric(self.scoring)
        frame = as_frame(X, estimator_name=type(self).__name__)
        validate_data(self, X, skip_check_array=True, reset=True)
        y_encoded, classes = check_target(y, estimator_name=type(self).__name__)
        check_same_rows(X, y, len(frame), len(y_encoded))
        counts = np.bincount(y_encoded)
        pos = resolve_pos_label(self.pos_label, classes, counts)
        seed = seed_from(self.random_state)
        if groups is not None:
            groups = check_groups(groups, len(y_encoded))
        folds = make_folds(self.cv, frame, y_encoded, classes, seed, groups=groups)
        if hasattr(metric, "resolve"):
            metric.resolve(y_encoded, classes)
        problem = Problem(frame, y_encoded, folds, metric, pos, seed, n_threads,
                          classes=classes)
        return problem, classes

    def _fit_decision(self, problem, classes, oof, cv_scores=None):
        """Calibrator and rule on the OOF probabilities ``oof``."""
        self.classes_ = classes
        self.oof_proba_ = oof
        self.calibrator_, self.rule_ = fit_decision(
            problem, oof, problem.oof_y, self.calibration, self.threshold
        )
        if cv_scores is None:
            cv_scores, _ = crossfit_scores(problem, oof, self.calibration, self.threshold)
        self.cv_scores_ = [float(s) for s in cv_scores]
        # A refit from binary to multiclass (or back) keeps nothing of the other.
        for name in ("threshold_", "pos_label_", "class_weights_"):
            self.__dict__.pop(name, None)
        if problem.n_classes == 2:
            self.threshold_ = float(self.rule_.threshold_)
            self.pos_label_ = classes[problem.pos]
        else:
            self.class_weights_ = np.asarray(self.rule_.weights_)
        self._pos = problem.pos
        self._metric = problem.metric
        return self

    def _validated(self, X):
        """``X`` as the table the encoders were fitted on (a DataFrame)."""
        check_is_fitted(self)
        frame = as_frame(X, estimator_name=type(self).__name__)
        validate_data(self, X, skip_check_array=True, reset=False)
        # A DataFrame where fit had an array, or the other way round: as in
        # scikit-learn, the columns are taken in the order of fit, after
        # validate_data's warning ("X has feature names, but ... was fitted
        # without feature names", or "X does not have valid feature names").
        # Every case ends with the encoder's own column labels (validate_data
        # has refused other string names), so that its check of names stays
        # quiet: one warning, the user's estimator's, not one per fold model.
        encoder = self._encoder()
        if list(frame.columns) != encoder._columns:
            columns = getattr(X, "columns", None)
            fitted = list(encoder._columns)
            if (columns is not None and not hasattr(self, "feature_names_in_")
                    and fitted != array_column_names(len(fitted))):
                # fit had a DataFrame whose names scikit-learn does not check
                # (ints, tuples): other names, or these in another order, would
                # be read by position, each as another column.
                _refuse_other_columns(list(columns), fitted)
            frame = frame.set_axis(fitted, axis=1)
        _warn_unseen(encoder, frame)
        return frame

    def _encoder(self):
        """The encoder fitted on all of fit's rows (the fold models' own
        encoders each saw a part of them)."""
        return self.encoder_

    def predict_proba(self, X):
        """Calibrated class probabilities.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the columns seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        raw = self._raw_proba(self._validated(X))
        return self.calibrator_.transform(raw)

    def predict(self, X):
        """Labels from the decision rule applied to :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_[self.rule_.predict(self.predict_proba(X))]

    def score(self, X, y, sample_weight=None):
        """The ``scoring`` metric on the given data (not accuracy).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : None
            Not supported; must be None.

        Returns
        -------
        score : float
        """
        return _score(self, X, y, sample_weight)


class ImbalancedPipeline(_DecisionClassifier):
    """Resampler, classifier, calibrator and decision rule as one classifier.

    ``fit`` runs cross-validation to collect out-of-fold (OOF)
    probabilities and fits the calibrator and the decision rule on them
    (never on rows a model was trained on). The model that predicts is then
    either the fold models themselves, their probabilities averaged (a bag
    of K models, or K per repetition of the folds), or the resampler and the
    classifier refitted on all rows (``final_model``). Prediction needs no
    resampler: the fitted object is encoder(s) -> classifier(s) ->
    calibrator -> rule.

    Parameters
    ----------
    classifier : str, ClassifierSpec or classifier, default="lightgbm"
        A registry name (``"lightgbm"``, ``"xgboost"``, ``"logreg"``,
        ``"random_forest"``, ``"extra_trees"``), a
        :class:`~imbtune.ClassifierSpec`, or an estimator with
        ``predict_proba``.
    classifier_params : dict, default=None
        Parameters for the classifier (``set_params`` names).
    resampler : str, ResamplerSpec or sampler, default="none"
        A registry name (``"smote"``, ``"random_under"``, ...), a
        :class:`~imbtune.ResamplerSpec`, or an object with ``fit_resample``.
        It only ever sees training rows.
    resampler_params : dict, default=None
        Its parameters; for built-ins ``ratio`` is relative to the class
        counts of the rows being resampled (1 = balanced).
    cost_weight : float in [0, 1], default=0.0
        Alpha of the class weights ``(n_max / n_c) ** alpha``.
    calibration : {"none", "sigmoid", "isotonic"}, default="none"
        Calibration fitted on the OOF probabilities.
    threshold : "auto" or float, default="auto"
        Binary only: ``"auto"`` picks the threshold on the OOF probabilities
        that maximises ``scoring`` (macro-F1 for a probability metric),
        averaged over neighbouring cuts (see :class:`imbtune.decision.ThresholdRule`);
        a float fixes it. Multiclass problems tune per-class weights instead.
    scoring : str or callable, default="macro_f1"
        Metric of the decision rule and of :meth:`score`.
    pos_label : int, str or None, default=None
        Positive class of a binary problem; default the minority class.
    cv : int, splitter or iterable, default=5
        Folds for the OOF probabilities (stratified and shuffled for an int);
        a repeated splitter such as ``RepeatedStratifiedKFold`` gives every
        row one OOF probability per repetition.
    n_jobs : int, default=None
        Threads for the model fits (None = 1, -1 = all cores).
    random_state : int, RandomState, Generator or None, default=None
        Seed of the folds, the resampler and the model.
    final_model : {"auto", "folds", "refit"}, default="auto"
        What predicts once the decision is fitted. ``"folds"``: the fold
        models that made the OOF probabilities (each with its fold's
        encoder), averaged; the calibrator and threshold were chosen on
        exactly these models' scores, and there is no further fit.
        ``"refit"``: one model refitted on all rows. ``"auto"``: ``"folds"``
        below 4,000 rows, where ``benchmarks/fold_bagging.py`` measured it
        ahead (``results/fold_bagging.md``), ``"refit"`` from there on, where
        a bag costs K times the memory and prediction time.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    encoder_ : TabularEncoder
        Encoding of the table, fitted on all rows.
    model_ : estimator or None
        The classifier refitted on all (resampled) rows; None when the fold
        models predict.
    fold_models_ : list of (TabularEncoder, estimator) or None
        The fold models whose probabilities are averaged, each with the
        encoding of its fold's training part; None after a refit.
    calibrator_ : Calibrator
        Calibration fitted on the OOF probabilities.
    threshold_ : float
        Binary problems: probability of ``pos_label_`` from which it is
        predicted.
    pos_label_ : object
        Binary problems: the positive class (the minority unless
        ``pos_label`` says otherwise), the one ``threshold_`` and the scores
        are about. scikit-learn's tools (``PrecisionRecallDisplay``,
        ``calibration_curve``, ``TunedThresholdClassifierCV``) take
        ``classes_[1]`` unless given ``pos_label=``: pass them this one.
    class_weights_ : ndarray
        Multiclass problems: weights ``w_c`` of the rule ``argmax(w_c p_c)``.
    oof_proba_ : ndarray of shape (n_samples * n_repeats, n_classes)
        Out-of-fold probabilities (before calibration), one block of
        ``n_samples`` rows per repetition of the folds.
    cv_scores_ : list of float
        Per-fold scores (of every repetition), each fold scored with a
        calibrator and rule fitted on the other folds of its repetition.
    n_features_in_ : int
        Number of input columns.
    feature_names_in_ : ndarray of str
        Column names, when fitted on a DataFrame with string column names.

    See Also
    --------
    ImbalancedSearchCV : searches the parameters of this pipeline.

    Examples
    --------
    >>> from imbtune import ImbalancedPipeline
    >>> from imbtune.datasets import load_dataset
    >>> X, y = load_dataset("breast_cancer")
    >>> clf = ImbalancedPipeline("logreg", resampler="smote",
    ...                          calibration="sigmoid", random_state=0).fit(X, y)
    >>> round(clf.threshold_, 2)
    0.48
    >>> clf.predict(X.iloc[:3])
    array([1, 1, 1])
    """

    def __init__(
        self,
        classifier="lightgbm",
        *,
        classifier_params=None,
        resampler="none",
        resampler_params=None,
        cost_weight=0.0,
        calibration="none",
        threshold="auto",
        scoring="macro_f1",
        pos_label=None,
        cv=5,
        n_jobs=None,
        random_state=None,
        final_model="auto",
    ):
        self.classifier = classifier
        self.classifier_params = classifier_params
        self.resampler = resampler
        self.resampler_params = resampler_params
        self.cost_weight = cost_weight
        self.calibration = calibration
        self.threshold = threshold
        self.scoring = scoring
        self.pos_label = pos_label
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.final_model = final_model

    def _config(self):
        return PipelineConfig(
            resampler=self.resampler if self.resampler is not None else "none",
            resampler_params=dict(self.resampler_params or {}),
            classifier=self.classifier,
            classifier_params=dict(self.classifier_params or {}),
            cost_weight=float(self.cost_weight),
        )

    def _check_params(self):
        self._check_decision_params()
        weight = self.cost_weight
        if not (
            isinstance(weight, numbers.Real)
            and not isinstance(weight, bool | np.bool_)
            and 0.0 <= weight <= 1.0
        ):
            raise ValueError(
                f"cost_weight must be in [0, 1] (0 = unweighted, 1 = balanced); "
                f"got {self.cost_weight!r}."
            )
        if self.final_model not in FINAL_MODELS:
            raise ValueError(
                f"Unknown final_model {self.final_model!r}; use one of {list(FINAL_MODELS)}."
            )
        config = self._config()
        config.resampler_spec, config.classifier_spec  # noqa: B018 - validate names
        return config

    def fit(self, X, y, groups=None, **fit_params):
        """Cross-validate, fit calibration and decision rule on OOF rows, refit.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Features: numbers, categories (category/object/string columns) and
            NaN are all accepted.
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Group of each row (a patient, a customer...): no group is ever
            split between the training and the validation part of a fold, so
            the OOF probabilities, calibration and threshold come from models
            that never saw the group. An int ``cv`` then becomes
            ``StratifiedGroupKFold``; a splitter gets the groups.

        **fit_params
            None are taken; ``sample_weight`` raises a ``TypeError`` that
            says why (the classes are weighed through ``cost_weight``).

        Returns
        -------
        self : ImbalancedPipeline
        """
        check_no_fit_params(fit_params, estimator_name=type(self).__name__)
        config = self._check_params()
        problem, classes = self._problem(X, y, n_threads_for(self.n_jobs), groups)
        check_resampler_on(config.resampler_spec, problem.X)
        warn_tiny_ranges(problem.X, [config.classifier_spec])
        warn_columns(problem.X, problem.y, classes, grouped=groups is not None)
        folds = resolve_final_model(self.final_model, len(problem.y)) == "folds"
        models = [] if folds else None
        oof = out_of_fold(problem, config, notes=problem.notes, models=models)
        self._fit_decision(problem, classes, oof)
        self._fit_model(problem, config, fold_models=models)
        warn_notes(problem.notes)
        return self

    def _fit_model(self, problem, config, fold_models=None):
        """The model that predicts: the fold models (``fold_models``, those
        that made the OOF probabilities, or fitted again when not given) or
        one model refitted on all rows, as ``final_model`` says."""
        self.encoder_ = TabularEncoder(impute=config.needs_impute()).set_output(
            transform="default"  # arrays, whatever scikit-learn's transform_output
        ).fit(problem.X)
        if resolve_final_model(self.final_model, len(problem.y)) == "folds":
            if fold_models is None:
                fold_models = fit_fold_models(problem, config, notes=problem.notes)
            self.fold_models_ = list(fold_models)
            self.model_ = None
            return self
        self.fold_models_ = None
        self.model_ = fit_final_model(
            config,
            self.encoder_.transform(problem.X),
            problem.y,
            self.encoder_.categorical_mask_,
            problem.n_classes,
            problem.random_state,
            problem.n_threads,
            notes=problem.notes,
            labels=problem.classes,
        )
        return self

    def _raw_proba(self, X):
        n_classes = len(self.classes_)
        if self.fold_models_:
            return np.mean([
                predict_proba_full(model, encoder.transform(X), n_classes)
                for encoder, model in self.fold_models_
            ], axis=0)
        return predict_proba_full(self.model_, self.encoder_.transform(X), n_classes)


def _warn_unseen(encoder, frame):
    """Say when rows hold categories that fit never saw: the models read
    them as unknown (NaN), which the user should know."""
    unseen = encoder._unseen(frame)
    if not unseen:
        return
    parts = [
        f"{name!r} ({count} row{'s' if count > 1 else ''}: "
        f"{', '.join(map(repr, values[:3]))}{', ...' if len(values) > 3 else ''})"
        for name, (count, values) in unseen.items()
    ]
    warnings.warn(
        f"X holds categories not seen in fit, in column{'s' if len(parts) > 1 else ''} "
        f"{'; '.join(parts)}. The models learned nothing of them and read them "
        "as unknown. Map them to known categories, or refit on data that has them.",
        FallbackWarning,
        stacklevel=user_stacklevel(),
    )


def _score(estimator, X, y, sample_weight):
    if sample_weight is not None:
        raise ValueError("score does not support sample_weight in imbtune.")
    check_is_fitted(estimator)
    check_consistent_length(X, y)
    check_same_rows(X, y, len(X), len(y))
    y = column_or_1d(y, warn=True)
    lookup = {label: k for k, label in enumerate(estimator.classes_)}
    unknown = set(np.unique(y)) - set(lookup)
    if unknown:
        raise ValueError(f"y holds labels not seen in fit: {sorted(unknown)}.")
    y_encoded = np.array([lookup[label] for label in y])
    pipeline = getattr(estimator, "best_estimator_", estimator)
    metric = pipeline._metric
    proba = estimator.predict_proba(X)
    if metric.needs_labels:
        y_pred = pipeline.rule_.predict(proba)
        return metric.score_labels(y_encoded, y_pred, len(estimator.classes_))
    return metric.score_proba(y_encoded, proba, pipeline._pos)

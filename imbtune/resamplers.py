"""Resampler specs: how to build each resampler for a fold, and what to search for it.

A :class:`ResamplerSpec` turns sampled parameters into a concrete
imbalanced-learn sampler *for the training fold at hand*:

* ratios are relative to the fold's own class counts, so no candidate is
  invalid: ``ratio=r`` moves every non-majority class a share ``r`` of the
  way to the majority count (over-sampling) or every non-minority class a
  share ``r`` of the way down to the minority count (under-sampling);
  ``r=1`` balances the classes;
* ``k_neighbors`` is clamped to what the fold allows, with a
  :class:`~imbtune.exceptions.FallbackWarning`: a built-in lowers it for
  each class to that class's rows less one, a user's sampler for every
  class to the smallest class's;
* with categorical columns, SMOTE becomes SMOTENC (or SMOTEN when every
  column is categorical), and the cleaning samplers (Tomek links, ENN) find
  neighbours on a one-hot, standardised view of the rows while returning the
  original rows.

``RESAMPLERS`` is the registry of built-ins; users add their own with a
:class:`ResamplerSpec` around any object with ``fit_resample``.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import copy
import numbers
import time

import numpy as np
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
    RandomOverSampler,
)
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import (
    EditedNearestNeighbours,
    RandomUnderSampler,
    TomekLinks,
)
from optuna.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from scipy import sparse
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import _safe_indexing

from . import _deadline
from ._validation import label_repr, overflow_error
from .exceptions import InsufficientMinorityError
from .preprocessing import _OneHotColumns

__all__ = ["RESAMPLERS", "ResampleContext", "ResamplerSpec", "get_resampler_spec"]


class ResampleContext:
    """What a resampler needs to know about the training fold it resamples.

    Parameters
    ----------
    y : ndarray of int
        Encoded labels of the rows to resample.
    n_classes : int
        Number of classes of the problem.
    categorical_mask : ndarray of bool
        Which columns hold category codes.
    random_state : int
        Seed for the sampler.
    notes : set, optional
        Collects fallback messages (clamped parameters, ...).
    labels : ndarray, optional
        The class labels behind ``y``'s codes, to name a class in messages
        (its code where not given).
    """

    def __init__(self, y, n_classes, categorical_mask, random_state, notes=None,
                 labels=None):
        self.y = y
        self.labels = labels
        self.n_classes = n_classes
        self.categorical_mask = np.asarray(categorical_mask, dtype=bool)
        self.random_state = random_state
        self.notes = notes if notes is not None else set()
        self.counts = np.bincount(y, minlength=n_classes)

    @property
    def has_categorical(self):
        return bool(self.categorical_mask.any())

    @property
    def all_categorical(self):
        return bool(self.categorical_mask.all())


def over_sampling_targets(counts, ratio):
    """Target counts that move each class a share ``ratio`` towards the majority."""
    majority = counts.max()
    targets = {}
    for label, count in enumerate(counts):
        if count == majority or count == 0:
            continue
        goal = int(round(count + ratio * (majority - count)))
        if goal > count:
            targets[label] = goal
    return targets


def under_sampling_targets(counts, ratio):
    """Target counts that move each class a share ``ratio`` towards the minority."""
    present = counts[counts > 0]
    minority = present.min()
    targets = {}
    for label, count in enumerate(counts):
        if count == 0:
            continue
        goal = int(round(count - ratio * (count - minority)))
        targets[label] = max(goal, minority)
    return targets


def max_neighbors(counts, targets):
    """Largest ``k_neighbors`` every class being over-sampled allows."""
    if not targets:
        return None
    return int(min(counts[label] for label in targets)) - 1


class ResamplerSpec:
    """A resampler and its search space.

    Parameters
    ----------
    name : str
        Name used in ``resamplers=`` and in trial parameters.
    sampler : object with ``fit_resample``, default=None
        Template sampler; ``None`` means "no resampling". Each build clones it
        and sets the sampled parameters with ``set_params``. A
        ``k_neighbors`` (or ``n_neighbors`` of an over-sampler) larger than the
        fold's smallest class allows is clamped. A ``random_state`` left at
        None (in a ``Pipeline``'s steps, or a ``SMOTETomek``'s ``smote``, too)
        takes the study's seed, so one ``random_state`` repeats the study; a
        seed of its own is kept, and a ``random_state`` in ``space`` wins over
        both.
    space : dict of str to optuna distribution, default=None
        Parameters to search (names as in ``sampler.set_params``).
    handles_categorical : "auto" or bool, default="auto"
        Whether the sampler is valid on category codes. Specs that are not
        are left out of the default search on data with categorical columns,
        and refused when asked for by name or given as an object. ``"auto"``
        is False for imbalanced-learn's over-samplers that interpolate every
        column (``SMOTE``, ``BorderlineSMOTE``, ``SVMSMOTE``,
        ``KMeansSMOTE``, ``ADASYN``, a ``SMOTETomek`` or ``SMOTEENN`` with
        a plain ``SMOTE``, and an imbalanced-learn ``Pipeline`` with one
        of them as a step): they would blend category codes into values that
        are no category. It is True for any other sampler (``SMOTENC``,
        ``SMOTEN``, random, under- and cleaning samplers, your own). For
        categorical data use the built-in ``"smote"`` (it switches to
        ``SMOTENC``) or ``SMOTENC``; pass True if the codes are numbers to
        interpolate.
    needs_finite : bool, default=True
        Whether missing values must be imputed before it runs.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from imblearn.under_sampling import NearMiss
    >>> from optuna.distributions import IntDistribution
    >>> from imbtune import ResamplerSpec
    >>> spec = ResamplerSpec("nearmiss", NearMiss(),
    ...                      space={"n_neighbors": IntDistribution(1, 5)})
    >>> spec.name
    'nearmiss'
    >>> spec.handles_categorical
    True
    >>> ResamplerSpec("my_smote", SMOTE()).handles_categorical
    False
    """

    def __init__(
        self, name, sampler=None, space=None, *, handles_categorical="auto",
        needs_finite=True,
    ):
        self.name = name
        self.sampler = sampler
        self.space = dict(space or {})
        self.handles_categorical = handles_categorical
        self.needs_finite = needs_finite

    @property
    def handles_categorical(self):
        """Whether the sampler is valid on category codes: the value given,
        or for ``"auto"`` whether the sampler leaves them whole (see the
        class's parameters)."""
        if isinstance(self._handles_categorical, str):  # "auto"
            return not _interpolates(self.sampler)
        return bool(self._handles_categorical)

    @handles_categorical.setter
    def handles_categorical(self, value):
        if value is None or (isinstance(value, str) and value != "auto"):
            raise ValueError(
                f"handles_categorical of resampler {self.name!r} must be 'auto', "
                f"True or False; got {value!r}."
            )
        self._handles_categorical = value

    def __setstate__(self, state):
        # A spec pickled before handles_categorical could be "auto" holds
        # its value under the property's name.
        state = dict(state)
        if "handles_categorical" in state:
            state["_handles_categorical"] = state.pop("handles_categorical")
        self.__dict__.update(state)

    def __sklearn_clone__(self):
        """The copy :func:`sklearn.base.clone` makes: the same spec around a
        clone of the template sampler, never a deep copy of it."""
        new = copy.copy(self)
        new.space = dict(self.space)
        if self.sampler is not None:
            new.sampler = (
                clone(self.sampler) if hasattr(self.sampler, "get_params")
                else copy.deepcopy(self.sampler)
            )
        return new

    def search_space(self, max_k=None):
        """The distributions to search; ``max_k`` caps neighbour counts."""
        space = dict(self.space)
        for key in ("k_neighbors", "n_neighbors"):
            dist = space.get(key)
            if (
                max_k is not None
                and isinstance(dist, IntDistribution)
                and dist.high > max_k
                and self._clamps(key)
            ):
                space[key] = IntDistribution(
                    min(dist.low, max_k), max_k, log=dist.log, step=dist.step
                )
        return space

    def _clamps(self, key, sampler=None):
        # k_neighbors (SMOTE's family), or the n_neighbors of an over-sampler
        # (ADASYN's): both count neighbours within the class being grown. An
        # under-sampler's n_neighbors (NearMiss, ENN) counts over all rows.
        sampler = self.sampler if sampler is None else sampler
        if key == "k_neighbors":
            return True
        return (
            key == "n_neighbors"
            and getattr(sampler, "_sampling_type", None) == "over-sampling"
        )

    def min_class_rows(self):
        """Fewest rows a class being over-sampled must have (2 for k-NN samplers)."""
        return 2 if any(self._clamps(key) for key in self.space) else 1

    def neighbour_limit(self, counts):
        """Largest neighbour count that still changes anything on a training
        fold with these class counts, or ``None`` where nothing is
        over-sampled: :meth:`build` lowers a larger one to the rows of the
        smallest class being over-sampled, less one."""
        return max_neighbors(counts, over_sampling_targets(counts, 1.0))

    def build(self, params, ctx):
        """A sampler ready for ``fit_resample`` on this fold, or ``None``."""
        if self.sampler is None:
            return None
        params = dict(params)
        if not hasattr(self.sampler, "get_params"):
            # A bare object with fit_resample: a fresh copy, nothing to set.
            if params:
                raise ValueError(
                    f"Resampler {self.name!r} has no get_params/set_params, so its "
                    f"space {sorted(params)} cannot be applied; give it scikit-learn's "
                    "BaseEstimator interface, or an empty space."
                )
            return copy.deepcopy(self.sampler)
        sampler = clone(self.sampler)
        valid = sampler.get_params()
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(
                f"Resampler {self.name!r} has no parameter(s) {unknown}; "
                f"valid ones are {sorted(valid)}."
            )
        for key in ("k_neighbors", "n_neighbors"):
            k = params.get(key, valid.get(key))
            if self._clamps(key, sampler) and isinstance(k, int | np.integer):
                targets = over_sampling_targets(ctx.counts, 1.0)
                params[key] = _clamp_k(self.name, int(k), ctx, targets, key)
        sampler.set_params(**params)
        # Every seed left at None, nested ones too (a Pipeline's steps, a
        # SMOTETomek's smote), takes the study's, as a classifier's does; a
        # seed of the user's own, or one drawn from the space, is kept.
        unseeded = {
            key: ctx.random_state
            for key, value in sampler.get_params().items()
            if value is None and key.split("__")[-1] == "random_state"
            and key not in params
        }
        if unseeded:
            sampler.set_params(**unseeded)
        return sampler

    def __repr__(self):
        return f"ResamplerSpec({self.name!r})"


_INTERPOLATING = (SMOTE, BorderlineSMOTE, SVMSMOTE, KMeansSMOTE, ADASYN)
"""imbalanced-learn's over-samplers that draw new rows between two rows in
every column, category codes included (SMOTENC and SMOTEN, subclasses of
SMOTE, are told apart before)."""


def _interpolates(sampler):
    """Whether ``sampler`` blends every column of two rows into a new one, so
    that category codes come out as values that are no category."""
    if isinstance(sampler, SMOTENC | SMOTEN):
        return False
    if isinstance(sampler, _INTERPOLATING):
        return True
    if isinstance(sampler, SMOTETomek | SMOTEENN):
        # Without a smote of its own it over-samples with a plain SMOTE.
        return sampler.smote is None or _interpolates(sampler.smote)
    if isinstance(sampler, Pipeline):
        return any(_interpolates(step) for _, step in sampler.steps)
    return False


def _check_two_rows(name, ctx, targets):
    """Refuse a fold where a class to over-sample has one row: a
    nearest-neighbour sampler has no neighbour to draw towards."""
    for label in targets:
        rows = int(ctx.counts[label])
        if rows < 2:
            shown = label if ctx.labels is None else label_repr(ctx.labels[label])
            raise InsufficientMinorityError(
                f"{name} needs at least 2 rows of every class it over-samples, but "
                f"class {shown} has {rows} row(s) in this training fold. Use "
                "random_over, fewer folds, or more rows of that class."
            )


def _class_neighbors(name, k, ctx, targets, key="k_neighbors"):
    """``k`` for each class being over-sampled, lowered to that class's rows
    less one where it has ``k`` rows or fewer."""
    _check_two_rows(name, ctx, targets)
    per_class = {label: min(k, int(ctx.counts[label]) - 1) for label in targets}
    if any(value < k for value in per_class.values()):
        # One message per resampler whatever the fold and k (a search tries
        # many), so it is warned once.
        ctx.notes.add(
            f"{name}: {key} was lowered, for each class it over-samples that has "
            f"no more rows than {key} in a training fold, to that class's rows "
            "- 1 (as far as that class's rows allow, larger values still apply "
            "to larger classes)."
        )
    return per_class


def _clamp_k(name, k, ctx, targets, key="k_neighbors"):
    limit = max_neighbors(ctx.counts, targets)
    if limit is None or k <= limit:
        return k
    _check_two_rows(name, ctx, targets)
    # One message per (resampler, k) whatever the fold, so it is warned once.
    ctx.notes.add(
        f"{name}: {key}={k} was lowered, for every class it over-samples, to "
        f"(rows of the smallest of them - 1) in training folds where that class "
        f"has {k} rows or fewer; set {key} lower to silence this."
    )
    return limit


class _Chain:
    """Apply samplers one after the other (over-sampling, then cleaning)."""

    def __init__(self, *samplers):
        self.samplers = samplers

    def fit_resample(self, X, y):
        for sampler in self.samplers:
            X, y = sampler.fit_resample(X, y)
        return X, y


class _PerClass:
    """Over-sample groups of classes with a sampler each (one per neighbour
    count: a class is clamped to its own rows, not the smallest class's).

    Every sampler sees the fold's own rows, as imbalanced-learn's loop over
    classes does within one sampler, and each returns them first with its
    new rows after them; the new rows are stacked after the fold's rows.
    """

    def __init__(self, samplers):
        self.samplers = samplers

    def fit_resample(self, X, y):
        n_rows = len(y)
        parts_X, parts_y = [X], [y]
        for sampler in self.samplers:
            X_res, y_res = sampler.fit_resample(X, y)
            parts_X.append(X_res[n_rows:])
            parts_y.append(y_res[n_rows:])
        if sparse.issparse(X):
            return sparse.vstack(parts_X, format=X.format), np.concatenate(parts_y)
        return np.concatenate(parts_X), np.concatenate(parts_y)


class _KeepsFoldIfNothingToGenerate:
    """An over-sampler that leaves the fold as it is, with a note, where
    imbalanced-learn raises because it finds nothing to generate from, rather
    than failing the trial. ``fallbacks``: ``(words of the error, note)``
    pairs; an error that holds none of them is raised as it is."""

    def __init__(self, sampler, notes, fallbacks):
        self.sampler = sampler
        self.notes = notes
        self.fallbacks = fallbacks

    def fit_resample(self, X, y):
        try:
            return self.sampler.fit_resample(X, y)
        except (ValueError, RuntimeError) as exc:
            for words, note in self.fallbacks:
                if any(w in str(exc) for w in words):
                    self.notes.add(note)
                    return X, y
            raise


# ADASYN: a request so small that every minority row's share rounds to zero
# (a ratio close to the fold's own class balance), or no minority row with a
# neighbour of another class (it generates rows near that border).
_ADASYN_FALLBACKS = (
    (("No samples will be generated",),
     "adasyn: the requested ratio asked for so few rows that each minority row's "
     "share rounded to none; that fold was left as it is. Raise the ratio to "
     "generate rows."),
    (("Not any neigbours belong to the majority class",
      "Not any neighbours belong to the majority class"),
     "adasyn: no minority row of a training fold had a neighbour of another class "
     "(the classes lie apart there), and ADASYN generates rows near that border; "
     "that fold was left as it is. Use smote to over-sample such data."),
)
# SVM-SMOTE: every support vector of a class has only other classes' rows
# among its neighbours (a few rare rows inside the majority, or duplicated
# rows with other labels).
_SVM_SMOTE_FALLBACKS = (
    (("considered as noise",),
     "svm_smote: in a training fold, every support vector of a class it "
     "over-samples had only other classes' rows as neighbours (all 'noise' to "
     "SVM-SMOTE), so it generated no rows for that class there. Use smote or "
     "borderline_smote on such data."),
)


class _OnOneHotView:
    """Run a selection sampler on a one-hot, standardised view; keep original rows.

    Tomek links and ENN select rows by nearest neighbours. Category codes
    are not distances, so the neighbours are found on a view where each
    category is its own 0/1 column and numeric columns are standardised.
    """

    def __init__(self, sampler, categorical_mask):
        self.sampler = sampler
        self.categorical_mask = categorical_mask

    def fit_resample(self, X, y):
        from sklearn.preprocessing import StandardScaler

        # Sparse on a large table with many categories (see _OneHotColumns):
        # the samplers' neighbour searches take either.
        view = _OneHotColumns(self.categorical_mask, scaler=StandardScaler()).fit_transform(X)
        self.sampler.fit_resample(view, y)
        rows = self.sampler.sample_indices_
        return X[rows], y[rows]


class _KeepsEveryClass:
    """A cleaning sampler that never removes a class whole.

    ENN (and, rarely, Tomek links) can remove every row of a class whose rows
    all have neighbours of other classes, as on a table of few distinct
    category combinations; the model would then see one class fewer and the
    trial fail far from the cause. Such a class keeps its rows as they were,
    and a note says so.
    """

    def __init__(self, sampler, name, notes):
        self.sampler = sampler
        self.name = name
        self.notes = notes

    def fit_resample(self, X, y):
        X_res, y_res = self.sampler.fit_resample(X, y)
        lost = np.setdiff1d(np.unique(y), np.unique(y_res))
        if not len(lost):
            return X_res, y_res
        self.notes.add(
            f"{self.name}: cleaning would have removed every row of a class in a "
            "training fold (each of its rows had neighbours of other classes, as "
            "with few distinct categories); that class kept its rows."
        )
        back = np.isin(y, lost)
        return np.concatenate([X_res, X[back]]), np.concatenate([y_res, y[back]])


_FIRST_QUERIES = 256
"""Rows a neighbour search under a deadline queries first, to time one."""


class _StoppableNeighbors(NearestNeighbors):
    """``NearestNeighbors`` whose ``kneighbors``, under the deadline that
    :func:`_deadline.active` set, queries its rows in steps with a deadline
    check between them. A cleaning sampler queries every row of a fold
    against all of them: SMOTE-Tomek took 314 s on a 240,000-row fold, past
    any timeout. Each row's neighbours do not depend on the other queries,
    so the result is that of one query."""

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        deadline = _deadline.current()
        if (X is None or X.shape[0] <= _FIRST_QUERIES
                or _deadline.seconds_left(deadline) is None):
            return super().kneighbors(X, n_neighbors, return_distance)
        total, done, parts = X.shape[0], 0, []
        step = _FIRST_QUERIES
        while done < total:
            _deadline.check(deadline)
            start = time.monotonic()
            rows = np.arange(done, min(total, done + step))
            parts.append(super().kneighbors(_safe_indexing(X, rows), n_neighbors,
                                            return_distance))
            done += len(rows)
            seconds_per_row = (time.monotonic() - start) / len(rows)
            step = _deadline.next_step(done, total, seconds_per_row, deadline)
        if return_distance:
            return (np.concatenate([d for d, _ in parts]),
                    np.concatenate([i for _, i in parts]))
        return np.concatenate(parts)


class _TomekLinks(TomekLinks):
    """imbalanced-learn's ``TomekLinks`` with a neighbour search that stops
    at a search's deadline (:class:`_StoppableNeighbors`); the same rows."""

    def _fit_resample(self, X, y):
        nn = _StoppableNeighbors(n_neighbors=2, n_jobs=self.n_jobs).fit(X)
        nearest = nn.kneighbors(X, return_distance=False)[:, 1]
        links = self.is_tomek(y, nearest, self.sampling_strategy_)
        self.sample_indices_ = np.flatnonzero(np.logical_not(links))
        return _safe_indexing(X, self.sample_indices_), _safe_indexing(y, self.sample_indices_)


def _enn(sampling_strategy, n_neighbors=3, kind_sel="all"):
    """imbalanced-learn's ENN with a neighbour search that stops at a
    search's deadline (:class:`_StoppableNeighbors`; ENN asks for one
    neighbour more than ``n_neighbors``, the row itself)."""
    return EditedNearestNeighbours(
        sampling_strategy=sampling_strategy,
        n_neighbors=_StoppableNeighbors(n_neighbors=n_neighbors + 1),
        kind_sel=kind_sel,
    )


def _cleaner(sampler, ctx, name):
    if ctx.has_categorical:
        sampler = _OnOneHotView(sampler, ctx.categorical_mask)
    return _KeepsEveryClass(sampler, name, ctx.notes)


class _Builtin(ResamplerSpec):
    """A built-in spec whose sampler depends on the fold.

    ``defaults`` holds the value of every parameter the sampler takes, so a
    build always clamps ``k_neighbors``, whether it was searched or not. An
    over-sampler clamps it per class (classes that end with different
    values get a sampler each), so a class of 3 rows does not hold a class
    of 60 to 2 neighbours.
    """

    def __init__(self, name, space, make, *, kind, defaults=None,
                 handles_categorical=True, needs_finite=True, clean=None):
        super().__init__(
            name,
            sampler=None,
            space=space,
            handles_categorical=handles_categorical,
            needs_finite=needs_finite,
        )
        self.make = make
        self.kind = kind
        self.defaults = dict(defaults or {})
        # A cleaner run after the over-sampler (SMOTE-Tomek, SMOTE-ENN), and
        # alone on a fold with nothing to generate (as imbalanced-learn's
        # SMOTEENN does).
        self.clean = clean
        if "ratio" in space:
            self.defaults.setdefault("ratio", 1.0)

    def build(self, params, ctx):
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            raise ValueError(
                f"Resampler {self.name!r} has no parameter(s) {unknown}; valid ones "
                f"are {sorted(self.defaults)}."
            )
        params = {**self.defaults, **params}
        ratio = params.pop("ratio", 1.0)
        if (not isinstance(ratio, numbers.Real) or isinstance(ratio, bool)
                or not 0.0 <= ratio <= 1.0):
            raise ValueError(
                f"ratio of resampler {self.name!r} must be a number in [0, 1], the "
                "share of the way from each class's own count to the "
                f"{'majority' if self.kind == 'over' else 'minority'}'s that the "
                f"resampler goes (1 balances the classes); got {ratio!r}."
            )
        if self.kind == "over":
            targets = over_sampling_targets(ctx.counts, ratio)
            if not targets:  # nothing to generate in this fold
                return None if self.clean is None else self.clean(ctx)
            # Classes whose rows lower a neighbour count to the same values
            # share one sampler; in the common case (binary, or every class
            # large enough) that is one sampler for all of them.
            own = {label: {} for label in targets}
            for key in ("k_neighbors", "n_neighbors"):
                if key in params:
                    for label, k in _class_neighbors(
                        self.name, params[key], ctx, targets, key
                    ).items():
                        own[label][key] = k
            groups = {}
            for label, goal in targets.items():
                groups.setdefault(tuple(own[label].items()), {})[label] = goal
            samplers = [
                self.make(group, {**params, **dict(values)}, ctx)
                for values, group in groups.items()
            ]
            over = samplers[0] if len(samplers) == 1 else _PerClass(samplers)
            return over if self.clean is None else _Chain(over, self.clean(ctx))
        if self.kind == "under":
            return self.make(under_sampling_targets(ctx.counts, ratio), params, ctx)
        return self.make(None, params, ctx)

    def _clamps(self, key, sampler=None):
        return self.kind == "over" and key in ("k_neighbors", "n_neighbors")

    def neighbour_limit(self, counts):
        # Each class is lowered to its own rows (see build), so a neighbour
        # count changes something up to what the largest class being
        # over-sampled allows.
        targets = over_sampling_targets(counts, 1.0)
        return int(max(counts[label] for label in targets)) - 1 if targets else None

    def min_class_rows(self):
        if self.kind == "over" and (
            "k_neighbors" in self.defaults or "n_neighbors" in self.defaults
        ):
            return 2
        return 1


class BlockDecodingOneHotEncoder(OneHotEncoder):
    """One-hot encoder that decodes a sparse matrix in dense blocks of rows.

    SMOTENC turns its synthetic rows back into categories with the
    encoder's ``inverse_transform`` on a sparse matrix, where SciPy finds
    each row's active column one row at a time in Python. Decoding dense
    blocks of rows gives the same categories in a fraction of the time: on
    a training fold of thyroid_sick_raw (2,263 rows, 22 categorical columns)
    SMOTENC at ratio 0.5 takes 0.05 s instead of 0.45 s
    (``benchmarks/smotenc_speed.py``). Each block holds at most
    ``block_cells`` values, so memory stays bounded on wide encodings.
    Everything else is :class:`~sklearn.preprocessing.OneHotEncoder`.
    """

    #: most values (rows x one-hot columns) decoded at once
    block_cells = 4_000_000

    def inverse_transform(self, X):
        if not sparse.issparse(X) or X.shape[0] == 0:
            return super().inverse_transform(X)
        X = sparse.csr_matrix(X)
        step = max(1, self.block_cells // max(1, X.shape[1]))
        blocks = []
        for start in range(0, X.shape[0], step):
            blocks.append(super().inverse_transform(X[start:start + step].toarray()))
        return np.concatenate(blocks)


def _smote(targets, params, ctx):
    common = dict(
        sampling_strategy=targets,
        k_neighbors=params["k_neighbors"],
        random_state=ctx.random_state,
    )
    if ctx.all_categorical:
        return SMOTEN(**common)
    if ctx.has_categorical:
        return SMOTENC(
            categorical_features=np.flatnonzero(ctx.categorical_mask).tolist(),
            categorical_encoder=BlockDecodingOneHotEncoder(handle_unknown="ignore"),
            **common,
        )
    return SMOTE(**common)


def _svm_smote(targets, params, ctx):
    from sklearn.svm import SVC

    return _NamesOverflow(_KeepsFoldIfNothingToGenerate(SVMSMOTE(
        sampling_strategy=targets,
        k_neighbors=params["k_neighbors"],
        m_neighbors=params["m_neighbors"],
        # A bounded SVM keeps SVM-SMOTE affordable on tens of thousands of rows.
        svm_estimator=SVC(gamma="scale", max_iter=5000, random_state=ctx.random_state),
        random_state=ctx.random_state,
    ), ctx.notes, _SVM_SMOTE_FALLBACKS))


class _NamesOverflow:
    """SVM-SMOTE whose SVM fails on values too large for it (scikit-learn's
    "not finite"), with that cause and the fix."""

    def __init__(self, sampler):
        self.sampler = sampler

    def fit_resample(self, X, y):
        try:
            return self.sampler.fit_resample(X, y)
        except ValueError as exc:
            if "not finite" not in str(exc):
                raise
            raise overflow_error("svm_smote's SVM", X, "resampler", "svm_smote") from exc


_RATIO = FloatDistribution(0.1, 1.0)
_K = IntDistribution(1, 10)


RESAMPLERS = {
    spec.name: spec
    for spec in [
        ResamplerSpec("none", None, needs_finite=False),
        _Builtin(
            "random_over",
            {"ratio": _RATIO},
            lambda t, p, ctx: RandomOverSampler(
                sampling_strategy=t, random_state=ctx.random_state
            ),
            kind="over",
            needs_finite=False,
        ),
        _Builtin(
            "random_under",
            {"ratio": _RATIO},
            lambda t, p, ctx: RandomUnderSampler(
                sampling_strategy=t, random_state=ctx.random_state
            ),
            kind="under",
            needs_finite=False,
        ),
        _Builtin(
            "smote",
            {"ratio": _RATIO, "k_neighbors": _K},
            _smote,
            kind="over",
            defaults={"k_neighbors": 5},
        ),
        _Builtin(
            "borderline_smote",
            {
                "ratio": _RATIO,
                "k_neighbors": _K,
                "m_neighbors": IntDistribution(3, 15),
                "kind": CategoricalDistribution(["borderline-1", "borderline-2"]),
            },
            lambda t, p, ctx: BorderlineSMOTE(
                sampling_strategy=t,
                k_neighbors=p["k_neighbors"],
                m_neighbors=p["m_neighbors"],
                kind=p["kind"],
                random_state=ctx.random_state,
            ),
            kind="over",
            defaults={"k_neighbors": 5, "m_neighbors": 10, "kind": "borderline-1"},
            handles_categorical=False,
        ),
        _Builtin(
            "svm_smote",
            {"ratio": _RATIO, "k_neighbors": _K, "m_neighbors": IntDistribution(3, 15)},
            _svm_smote,
            kind="over",
            defaults={"k_neighbors": 5, "m_neighbors": 10},
            handles_categorical=False,
        ),
        _Builtin(
            "adasyn",
            {"ratio": _RATIO, "n_neighbors": _K},
            lambda t, p, ctx: _KeepsFoldIfNothingToGenerate(
                ADASYN(
                    sampling_strategy=t,
                    n_neighbors=p["n_neighbors"],
                    random_state=ctx.random_state,
                ),
                ctx.notes,
                _ADASYN_FALLBACKS,
            ),
            kind="over",
            defaults={"n_neighbors": 5},
            handles_categorical=False,
        ),
        _Builtin(
            "smote_tomek",
            {"ratio": _RATIO, "k_neighbors": _K},
            _smote,
            kind="over",
            defaults={"k_neighbors": 5},
            clean=lambda ctx: _cleaner(_TomekLinks(sampling_strategy="all"), ctx, "smote_tomek"),
        ),
        _Builtin(
            "smote_enn",
            {"ratio": _RATIO, "k_neighbors": _K},
            _smote,
            kind="over",
            defaults={"k_neighbors": 5},
            clean=lambda ctx: _cleaner(_enn("all"), ctx, "smote_enn"),
        ),
        _Builtin(
            "tomek",
            {},
            # Only the majority class is cleaned. imblearn's "auto" cleans every
            # class but the smallest, which with three or more classes can
            # empty a rare class that is not the rarest (ENN took one of 40
            # rows to 1 next to a class of 4).
            lambda t, p, ctx: _cleaner(
                _TomekLinks(sampling_strategy="majority"), ctx, "tomek"
            ),
            kind="clean",
        ),
        _Builtin(
            "enn",
            {
                "n_neighbors": IntDistribution(2, 7),
                "kind_sel": CategoricalDistribution(["all", "mode"]),
            },
            lambda t, p, ctx: _cleaner(
                _enn("majority", p["n_neighbors"], p["kind_sel"]),  # as for tomek above
                ctx,
                "enn",
            ),
            kind="clean",
            defaults={"n_neighbors": 3, "kind_sel": "all"},
        ),
    ]
}


def get_resampler_spec(resampler):
    """The spec for a name, a spec, or a sampler object.

    Parameters
    ----------
    resampler : str, ResamplerSpec, object with ``fit_resample``, or None
        ``None`` and ``"none"`` mean no resampling.

    Returns
    -------
    spec : ResamplerSpec
    """
    if resampler is None:
        return RESAMPLERS["none"]
    if isinstance(resampler, ResamplerSpec):
        return resampler
    if isinstance(resampler, type):
        raise TypeError(
            f"resampler {resampler.__name__} is a class; pass a sampler object such "
            f"as {resampler.__name__}()."
        )
    if isinstance(resampler, str):
        if resampler not in RESAMPLERS:
            raise ValueError(
                f"Unknown resampler {resampler!r}. Use one of {sorted(RESAMPLERS)}, "
                "a ResamplerSpec, or a sampler object with fit_resample."
            )
        return RESAMPLERS[resampler]
    if hasattr(resampler, "fit_resample"):
        return ResamplerSpec(type(resampler).__name__, resampler)
    raise TypeError(
        f"resampler must be a name, a ResamplerSpec or an object with fit_resample; "
        f"got {resampler!r}."
    )

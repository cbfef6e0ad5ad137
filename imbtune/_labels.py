"""Parameters of a user's sampler or model that are keyed by class labels.

Inside imbtune ``y`` is encoded as ``0..n_classes-1`` (the order of
``classes_``), and samplers and models are fitted on those codes. A dict
keyed by the user's own labels, such as
``RandomOverSampler(sampling_strategy={"suspect": 600})`` or
``LogisticRegression(class_weight={1: 1, 3: 20})``, or a list of labels,
such as ``EditedNearestNeighbours(sampling_strategy=["suspect"])``, would
then name another class or none; :func:`encoded_spec` translates them.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import copy

from sklearn.base import clone

from ._validation import label_repr

__all__ = ["encoded_params", "encoded_spec", "label_keyed_params"]

# parameters (at any depth: "smote__sampling_strategy") whose dict maps a
# class label to a value
LABEL_KEYED = ("sampling_strategy", "class_weight")


def _plain(label):
    """A label as a plain Python value, so that numpy's 3 and 3 match."""
    item = getattr(label, "item", None)
    return item() if callable(item) and getattr(label, "ndim", 1) == 0 else label


def label_keyed_params(estimator):
    """``{parameter: value}`` of the estimator's parameters, nested ones
    included, that name classes by their labels: a dict of label to value
    (``sampling_strategy``, ``class_weight``), or a list of labels (a
    cleaning sampler's ``sampling_strategy``)."""
    if not hasattr(estimator, "get_params"):
        return {}
    return {
        key: value
        for key, value in estimator.get_params().items()
        if (key.split("__")[-1] in LABEL_KEYED and isinstance(value, dict))
        or (key.split("__")[-1] == "sampling_strategy" and isinstance(value, list | tuple))
    }


def _encoded_keys(value, classes, what):
    codes = {_plain(label): code for code, label in enumerate(classes)}

    def code_of(label):
        code = codes.get(_plain(label))
        if code is None:
            shown = ", ".join(label_repr(c) for c in classes)
            raise ValueError(
                f"{what} names {label_repr(label)}, which is not a class of y "
                f"([{shown}]); name classes by y's own labels (imbtune hands the "
                "model and sampler y's codes and translates them)."
            )
        return code

    if isinstance(value, dict):
        return {code_of(key): item for key, item in value.items()}
    return type(value)(code_of(label) for label in value)


def encoded_params(params, classes, what):
    """``params`` (a sampler's or model's parameters given to a build) with
    their label-keyed dicts and lists of classes in the codes of ``classes``."""
    if classes is None or not params:
        return params
    out = dict(params)
    for key, value in params.items():
        param = key.split("__")[-1]
        if (param in LABEL_KEYED and isinstance(value, dict)) or (
                param == "sampling_strategy" and isinstance(value, list | tuple)):
            out[key] = _encoded_keys(value, classes, f"{what}: its {key}")
    return out


def encoded_spec(spec, classes):
    """``spec``, or a copy of it whose template's label-keyed dicts are keyed
    by the codes of ``classes`` (the labels of ``y``, in code order).

    Raises
    ------
    ValueError
        Where a key is not a class of ``y``.
    """
    attr = "sampler" if hasattr(spec, "sampler") else "estimator"
    template = getattr(spec, attr, None)
    params = label_keyed_params(template)
    if not params or classes is None:
        return spec
    kind = "Resampler" if attr == "sampler" else "Classifier"
    updates = {
        key: _encoded_keys(value, classes, f"{kind} {spec.name!r}: its {key}")
        for key, value in params.items()
    }
    new = copy.copy(spec)
    setattr(new, attr, clone(template).set_params(**updates))
    new._user_template = template  # for messages, in the user's labels
    return new

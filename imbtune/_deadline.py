"""A search's deadline, as the long steps of a trial check it.

A deadline is a ``time.monotonic()`` value, a callable returning one (a
search moves its deadline as it learns how long the refit will take), or
None. Work that cannot be stopped part-way (a forest's fit, a cleaning
sampler's neighbour search) is split into steps with a check between them:
a first step times one unit of work, then the rest runs at once when it ends
well before the deadline, else in steps of about :data:`STEP_SECONDS`.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import contextlib
import threading
import time

STEP_SECONDS = 1.0
"""About how long each step of split work runs when the deadline is near."""


class DeadlineExceeded(Exception):
    """The search's time budget ran out while a model was training."""


def seconds_left(deadline):
    """Seconds until ``deadline`` (negative once past it), or None."""
    if callable(deadline):
        deadline = deadline()
    return None if deadline is None else deadline - time.monotonic()


def check(deadline):
    """Raise :class:`DeadlineExceeded` once ``deadline`` has passed."""
    left = seconds_left(deadline)
    if left is not None and left < 0:
        raise DeadlineExceeded("the search's time budget ran out")


def next_step(done, total, seconds_per_unit, deadline):
    """How many units to run next, ``done`` of ``total`` being done: the
    rest at once when it is short or ends well before the deadline, else
    about :data:`STEP_SECONDS` worth (at least one)."""
    rest = seconds_per_unit * (total - done)
    left = seconds_left(deadline)
    if rest < STEP_SECONDS or left is None or 2 * rest < left:
        return total - done
    return max(1, int(STEP_SECONDS / max(seconds_per_unit, 1e-9)))


_ACTIVE = threading.local()


@contextlib.contextmanager
def active(deadline):
    """Make ``deadline`` the one that code run in this thread checks through
    :func:`current` (a sampler inside imbalanced-learn cannot be handed it)."""
    previous = getattr(_ACTIVE, "deadline", None)
    _ACTIVE.deadline = deadline
    try:
        yield
    finally:
        _ACTIVE.deadline = previous


def current():
    """The deadline :func:`active` set in this thread, or None."""
    return getattr(_ACTIVE, "deadline", None)

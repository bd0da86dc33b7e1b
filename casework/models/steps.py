"""A lifecycle step as its model's state transition."""

from __future__ import annotations

from collections.abc import Callable

from django_fsm import FSMField, transition

from ..lifecycle import Step


def step_transition(state: FSMField, step: Step) -> Callable[..., None]:
    """The model's method `step.name`: a django-fsm transition from the step's sources to its
    target (None: the state must be one of the sources and does not change).

    The body is empty on purpose: the services set the fields, check the guards and write
    the audit entry in the same transaction.
    """

    def method(self) -> None: ...

    method.__name__ = step.name
    return transition(state, source=step.sources, target=step.target)(method)

"""A lifecycle object's state transitions, made from its step table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from django_fsm import ConcurrentTransitionMixin, transition

from ..lifecycle import Step


def step_transition(step: Step) -> Callable[..., None]:
    """The method `step.name`: a django-fsm transition of `state` from the step's sources to
    its target (None: the state must be one of the sources and does not change).

    The body is empty on purpose: the services set the fields, check the guards and write
    the audit entry in the same transaction.
    """

    def method(self) -> None: ...

    method.__name__ = step.name
    return transition("state", source=step.sources, target=step.target)(method)


class StepMachine(ConcurrentTransitionMixin):
    """A model whose `state` moves by the rows of its step table `steps`: one transition
    method per row, named after its step (`record.dismiss()`; services run them through
    casework.services.steps).

    The methods are added when the class is created, before its fields are: django-fsm
    names the field by name here and collects the transitions once the model is ready.
    """

    steps: ClassVar[Mapping[str, Step]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for step in cls.__dict__.get("steps", {}).values():
            setattr(cls, step.name, step_transition(step))

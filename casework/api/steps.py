"""The endpoints of a lifecycle's steps: POST /api/<objects>/{id}/<step>/.

Every one works the same way whatever the object: an object the user may not see answers
404 before any input is looked at, the input is parsed, the step's one service is called
and the object is answered as the service left it. A kind's base class says how its object
is loaded and answered and how its endpoints are documented; `StepApi.for_step` makes one
endpoint per step of its table.
"""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..http import client_ip
from ..kinds import ObjectKind
from ..lifecycle import Step
from .errors import InputError
from .serializers import EmptyInput, ErrorSerializer

ERRORS = {code: ErrorSerializer for code in (400, 403, 404, 409)}


def parse(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise InputError(serializer)
    return dict(serializer.validated_data)


def step_input(
    request: Request, kind: ObjectKind, pk: int, input_serializer: type[serializers.Serializer]
) -> dict:
    """The input of a step on one object, parsed once the user may see the object: one they
    may not see answers 404 before any input error."""
    kind.get_for_reader(request.user, pk)
    return parse(input_serializer, request)


def take_step(request: Request, kind: ObjectKind, pk: int, input_serializer, service: Callable):
    """What the service of a step on one object returns, its input being the service's keywords."""
    data = step_input(request, kind, pk, input_serializer)
    return service(acting_user=request.user, ip_address=client_ip(request), **{kind.id_keyword: pk}, **data)


class StepApi(APIView):
    # POST: parse the input, call the step's one service, answer the object. (No docstring:
    # the schema would take it as the description of a step that declares none.)
    input_serializer: type[serializers.Serializer] = EmptyInput
    service: Callable
    #: The kind of the object: how it is loaded for the user (404 when they may not see
    #: it), the keyword that names it to the query and to the service alike, its steps.
    kind: ObjectKind
    #: What the endpoints `for_step` makes are documented with.
    operation_prefix: str
    tags: list[str]
    response: type[serializers.Serializer]
    #: Answer the object as the reader's query loads it after the step (with what its
    #: answer shows prefetched), not as the service returned it.
    reread = False

    def post(self, request: Request, pk: int) -> Response:
        data = self.service_kwargs(step_input(request, self.kind, pk, self.input_serializer))
        object_id = {self.kind.id_keyword: pk}
        done = self.service(acting_user=request.user, ip_address=client_ip(request), **object_id, **data)
        if self.reread:
            done = self.kind.get_for_reader(request.user, pk)
        return Response(self.answer(request, done))

    def service_kwargs(self, data: dict) -> dict:
        return data

    def answer(self, request: Request, obj) -> dict:
        return self.response(obj).data

    @classmethod
    def declared_step(cls, step: str) -> Step | tuple[Step, ...]:
        """The step (or steps) the endpoint takes, for the schema's roles (casework.api.schema)."""
        return cls.kind.steps[step]

    @classmethod
    def summary(cls, step: str) -> str:
        return cls.kind.steps[step].label

    @classmethod
    def description(cls, step: str) -> str:
        return f"DOMAIN {cls.kind.steps[step].domain_ref}"

    @classmethod
    def request_body(cls, input_serializer: type[serializers.Serializer]):
        """What the schema shows as the request: nothing when the step takes no input."""
        return None if input_serializer is EmptyInput else input_serializer

    @classmethod
    def for_step(cls, step: str, service: Callable, input_serializer=EmptyInput, **attrs) -> type[StepApi]:
        """The endpoint of one step of the table, documented; `attrs` override the class's."""
        schema = extend_schema(
            operation_id=f"{cls.operation_prefix}_{step}",
            summary=cls.summary(step),
            description=cls.description(step),
            tags=cls.tags,
            request=cls.request_body(input_serializer),
            responses={200: cls.response, **ERRORS},
        )
        attrs = {
            "input_serializer": input_serializer,
            "service": staticmethod(service),
            "lifecycle_step": cls.declared_step(step),
            **attrs,
        }
        name = f"{cls.kind.model.__name__}{step.title().replace('_', '')}Api"
        return extend_schema_view(post=schema)(type(name, (cls,), attrs))

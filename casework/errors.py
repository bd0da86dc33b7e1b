"""Domain errors: what a user did wrong, in words the user reads (Chinese by default)."""


class DomainError(Exception):
    """A rule refused the action. `field` names the input at fault, when there is one."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class PermissionDeniedError(DomainError):
    status_code = 403


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    """Someone else changed the object first; reload and try again."""

    status_code = 409

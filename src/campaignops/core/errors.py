"""Domain errors raised by services and mapped once to HTTP answers (API) or form messages (pages)."""


class DomainError(Exception):
    """Bad input or a refused action: a 4xx with a clear message, never a 500."""

    status = 400

    def __init__(self, message, *, field: str | None = None, details: list | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.details = details or []


class ValidationFailed(DomainError):
    status = 422


class StaleVersion(DomainError):
    """The client edited an older version than the one stored: 409, nothing written."""

    status = 409

    def __init__(self, message, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class NotAllowed(DomainError):
    status = 403

"""Domain errors: raised by services with a translated, user-facing message; views show it."""


class DomainError(Exception):
    """A business rule refused the action. ``str(error)`` is the translated message."""

    def __init__(self, message, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


class OutOfStock(DomainError):
    pass


class InvalidTransition(DomainError):
    pass


class NotEditable(DomainError):
    pass

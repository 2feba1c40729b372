"""The one way a service refuses input: `errors` maps form field names to messages fit to show, in the
language of the request that was refused (a message marked lazily, once, at import is made text here)."""


class Invalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        errors = {name: str(message) for name, message in errors.items()}
        super().__init__("; ".join(errors.values()))
        self.errors = errors

"""The one way a service refuses input: `errors` maps form field names to messages fit to show."""


class Invalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors

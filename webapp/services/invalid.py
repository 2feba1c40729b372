"""The one way a service refuses input: `errors` maps form field names to messages fit to show, in the
language of the request that was refused (a message marked lazily, once, at import is made text here)."""
from flask_babel import gettext

from webapp.rules.messages import Message


class Invalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        errors = {name: str(message) for name, message in errors.items()}
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def message_text(message: Message | str) -> str:
    """A rule's message (decision 85), or a message id, as text in the request's language."""
    if isinstance(message, Message):
        return gettext(message.id, **{name: message_text(part) if isinstance(part, Message) else part
                                      for name, part in message.params})
    return gettext(message)

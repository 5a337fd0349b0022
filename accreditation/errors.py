"""The one domain error: a Refusal carries the message a person reads; show_refusal puts it on a
form so the GOV.UK error summary shows it."""


class Refusal(Exception):
    """A request the rules refuse. The message is written for the person who asked and is shown
    to them as it is; several problems at once are kept in `messages`, each shown on its own.
    `field` names the form field the refusal is about (else the whole form), `code` a short
    machine-readable kind for tests and logs. Every domain refusal is a Refusal (or a subclass,
    where a caller branches on the kind)."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        self.messages = [str(m) for m in message] if isinstance(message, list | tuple) else [str(message)]
        self.message = " ".join(self.messages)
        self.field = field
        self.code = code
        super().__init__(self.message)


def show_refusal(form, refusal: Refusal) -> None:
    """Put a service's refusal on the form, so the page's GOV.UK error summary shows it (linked to
    its field when it names one of the form's) and nothing the person typed is lost."""
    field = refusal.field if refusal.field in form.fields else None
    for message in refusal.messages:
        form.add_error(field, message)

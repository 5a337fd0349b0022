"""The school a person is working as, for people in more than one school's team.

The choice lives in the session (`SESSION_KEY`). `WorkingSchoolMiddleware` makes it known, for the
length of the request, through a context variable holding (user id, school id), so that
`selectors.membership_for_user(user)` honours it for that user only and services never take a
request. Outside a request (jobs, the shell) or with no choice yet, a person works as the first of
their schools by name.
"""

from contextvars import ContextVar

SESSION_KEY = "working_school_id"

current_choice: ContextVar[tuple[str, int] | None] = ContextVar("working_school_choice", default=None)


def chosen_school_id(user) -> int | None:
    choice = current_choice.get()
    if choice is None or user is None or user.pk is None or str(user.pk) != choice[0]:
        return None
    return choice[1]


class WorkingSchoolMiddleware:
    """Read the working school from the session without loading the user (the session already
    holds the signed-in person's id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        choice = None
        if session is not None and SESSION_KEY in session and "_auth_user_id" in session:
            try:
                choice = (str(session["_auth_user_id"]), int(session[SESSION_KEY]))
            except (TypeError, ValueError):
                choice = None
        token = current_choice.set(choice)
        try:
            return self.get_response(request)
        finally:
            current_choice.reset(token)

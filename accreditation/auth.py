"""Small hooks for the authentication libraries."""


def axes_username(request, credentials):
    """The username django-axes counts failures against: email addresses are matched without
    regard to case at sign-in, so "HEAD@school" must count against the same lockout as "head@school"."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()

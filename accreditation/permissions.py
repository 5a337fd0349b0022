"""Predicates for the roles the core app knows. Other apps keep their own in permissions.py."""

from collections.abc import Callable

# Apps that give people access to every school's evidence register a rule here (in
# AppConfig.ready()), so the core app can demand a second factor without importing them.
_second_factor_rules: list[Callable] = []
# What each rule reads, as an annotation loaded with the signed-in person (attribute name and a
# function making the expression; see `accreditation.backends`): the rule then answers from the
# attribute without a query of its own.
_second_factor_annotations: dict[str, Callable] = {}

# Set by accreditation.backends.PortalModelBackend when it loads the signed-in person: whether they
# had a confirmed second-factor device when this request began.
HAS_DEVICE_ATTRIBUTE = "_had_second_factor_at_start"


def is_hw_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_hw_admin)


def can_view_audit_trail(user) -> bool:
    return is_hw_admin(user)


def can_manage_accounts(user) -> bool:
    """Look people up and reset their second factor."""
    return is_hw_admin(user)


def register_second_factor_rule(rule: Callable, *, annotation: tuple[str, Callable] | None = None) -> Callable:
    """`annotation`: (attribute, function returning an expression on the user model) when the rule
    reads that attribute if it is already there, so the person can be loaded with it."""
    if rule not in _second_factor_rules:
        _second_factor_rules.append(rule)
    if annotation is not None:
        attribute, expression = annotation
        _second_factor_annotations[attribute] = expression
    return rule


def second_factor_annotations() -> dict[str, Callable]:
    return dict(_second_factor_annotations)


def has_second_factor(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def second_factor_required(user) -> bool:
    """Validators, H&W admins and support staff must use a second factor; anyone who set one up
    (school users may choose to) is asked for it too."""
    if not (user.is_authenticated and user.is_active):
        return False
    return second_factor_mandatory(user) or has_second_factor(user)


def second_factor_gate(user) -> tuple[bool, bool]:
    """(a second factor is required, the person has a device) for SecondFactorMiddleware, on every
    request: from what the backend loaded with the person when it did (no query), else asked."""
    if not (user.is_authenticated and user.is_active):
        return False, False
    has_device = getattr(user, HAS_DEVICE_ATTRIBUTE, None)
    if has_device is None:
        has_device = has_second_factor(user)
    return (has_device or second_factor_mandatory(user)), has_device


def second_factor_mandatory(user) -> bool:
    """The role demands a second factor: the person may not remove it."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or is_hw_admin(user) or any(rule(user) for rule in _second_factor_rules))
    )

"""Predicates for the roles the core app knows. Other apps keep their own in permissions.py."""

from collections.abc import Callable

# Apps that give people access to every school's evidence register a rule here (in
# AppConfig.ready()), so the core app can demand a second factor without importing them.
_second_factor_rules: list[Callable] = []


def is_hw_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_hw_admin)


def can_view_audit_trail(user) -> bool:
    return is_hw_admin(user)


def can_manage_accounts(user) -> bool:
    """Look people up and reset their second factor."""
    return is_hw_admin(user)


def register_second_factor_rule(rule: Callable) -> Callable:
    if rule not in _second_factor_rules:
        _second_factor_rules.append(rule)
    return rule


def has_second_factor(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def second_factor_required(user) -> bool:
    """Validators, H&W admins and support staff must use a second factor; anyone who set one up
    (school users may choose to) is asked for it too."""
    if not (user.is_authenticated and user.is_active):
        return False
    return second_factor_mandatory(user) or has_second_factor(user)


def second_factor_mandatory(user) -> bool:
    """The role demands a second factor: the person may not remove it."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or is_hw_admin(user) or any(rule(user) for rule in _second_factor_rules))
    )

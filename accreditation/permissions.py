"""Predicates for the roles the core app knows. Other apps keep their own in permissions.py."""


def is_hw_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_hw_admin)


def can_view_audit_trail(user) -> bool:
    return is_hw_admin(user)

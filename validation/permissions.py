"""Who may do what in the validating group."""

from .models import GroupMember


def is_validator(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if not hasattr(user, "_is_validator"):
        user._is_validator = GroupMember.objects.filter(user=user, is_active=True).exists()
    return user._is_validator

from .models import Membership


def membership_for_user(user) -> Membership | None:
    """The person's active membership of a school, or None. One query, cached on the user object."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_school_membership"):
        user._school_membership = (
            Membership.objects.select_related("school").filter(user=user, is_active=True, user__is_active=True).first()
        )
    return user._school_membership


def school_for_user(user):
    membership = membership_for_user(user)
    return membership.school if membership else None

"""The shop owner's role: a superuser or a member of the group « Propriétaire »."""

OWNER_GROUP = "Propriétaire"


def is_shop_owner(user) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=OWNER_GROUP).exists()

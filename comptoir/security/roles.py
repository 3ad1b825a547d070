"""The shop owner's role: a superuser or a member of the group « Propriétaire »."""

OWNER_GROUP = "Propriétaire"

_IN_OWNER_GROUP = "_comptoir_in_owner_group"


def is_shop_owner(user) -> bool:
    """Active staff who is a superuser or in the owner group. The group is read once per user
    object (a back-office page asks up to three times about ``request.user``: its access check,
    its sidebar, its outbox banner); the flags of the user row are read each time."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    in_group = getattr(user, _IN_OWNER_GROUP, None)
    if in_group is None:
        in_group = user.groups.filter(name=OWNER_GROUP).exists()
        setattr(user, _IN_OWNER_GROUP, in_group)
    return in_group


def remember_owner_group(user, in_group: bool) -> None:
    """Keep for ``is_shop_owner`` whether ``user`` is in the owner group, read by another query."""
    setattr(user, _IN_OWNER_GROUP, in_group)

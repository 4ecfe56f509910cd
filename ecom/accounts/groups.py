"""Permission groups: named sets of permissions that staff members belong to.

Nobody grants more than they hold: changing a group (its permissions or its members)
needs every permission it grants, before and after, so a member of a small group cannot
put themselves in a bigger one. Admins hold every permission.
"""

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, select

from ecom.accounts.errors import BeyondOwnPermissions, GroupExists, NotStaff
from ecom.accounts.models import PermissionGroup, User
from ecom.common.errors import NotFound
from ecom.common.permissions import PERMISSIONS
from ecom.common.transactions import atomic
from ecom.extensions import db

# The group an upgraded shop's staff and ``flask create-staff``'s join by default.
ALL_PERMISSIONS = "All permissions"


def groups_query() -> Select:
    return select(PermissionGroup).order_by(PermissionGroup.name)


def get_group(group_id: int) -> PermissionGroup:
    group = db.session.get(PermissionGroup, group_id)
    if group is None:
        raise NotFound(gettext("Permission group not found."))
    return group


def check_grant(grantor: Any, permissions: Iterable[str]) -> None:
    """Refuse unless ``grantor`` (a user or a token; None: the shop's own commands) holds
    every one of ``permissions``."""
    beyond = sorted(set(permissions) - grantor.permissions) if grantor is not None else []
    if beyond:
        raise BeyondOwnPermissions(
            errors={
                "permissions": [gettext("Not yours to grant: %(names)s.", names=", ".join(beyond))]
            }
        )


def staff_members(user_ids: Iterable[int]) -> list[User]:
    """The staff users of these ids; any other id is refused, naming it."""
    wanted = sorted(set(user_ids))
    found = db.session.scalars(
        select(User).where(User.id.in_(wanted), User.role == "staff").order_by(User.id)
    ).all()
    missing = sorted(set(wanted) - {user.id for user in found})
    if missing:
        names = ", ".join(map(str, missing))
        raise NotStaff(errors={"members": [gettext("Not staff members: %(names)s.", names=names)]})
    return list(found)


def create_group(grantor: Any, data: dict[str, Any]) -> PermissionGroup:
    """A new group of ``permissions`` with ``members`` (staff user ids)."""
    check_grant(grantor, data.get("permissions", []))
    members = staff_members(data.get("members", []))
    with atomic(keep_loaded=True, on_conflict=GroupExists()):
        _ensure_unique_name(data["name"])
        group = PermissionGroup(
            name=data["name"], permissions=sorted(set(data.get("permissions", [])))
        )
        db.session.add(group)
        group.members = members
    return group


def update_group(grantor: Any, group_id: int, changes: dict[str, Any]) -> PermissionGroup:
    """Rename a group, replace its permissions or its members (lists are replaced whole)."""
    group = get_group(group_id)
    check_grant(grantor, [*group.permissions, *changes.get("permissions", [])])
    with atomic(keep_loaded=True, on_conflict=GroupExists()):
        if "name" in changes and changes["name"] != group.name:
            _ensure_unique_name(changes["name"])
            group.name = changes["name"]
        if "permissions" in changes:
            group.permissions = sorted(set(changes["permissions"]))
        if "members" in changes:
            group.members = staff_members(changes["members"])
    return group


def delete_group(grantor: Any, group_id: int) -> None:
    """Delete a group; its members keep their other groups."""
    group = get_group(group_id)
    check_grant(grantor, group.permissions)
    with atomic():
        db.session.delete(group)


def unknown_groups(names: Iterable[str]) -> list[str]:
    """Which of ``names`` name no group (``ALL_PERMISSIONS`` is always known)."""
    wanted = set(names) - {ALL_PERMISSIONS}
    found = db.session.scalars(select(PermissionGroup.name).where(PermissionGroup.name.in_(wanted)))
    return sorted(wanted - set(found))


def join(user: User, names: Iterable[str]) -> None:
    """Put a staff member in the named groups; ``ALL_PERMISSIONS`` is made when missing
    (the group of staff who may do everything, as before permissions existed)."""
    with atomic():
        for name in names:
            group = db.session.scalar(select(PermissionGroup).where(PermissionGroup.name == name))
            if group is None:
                group = PermissionGroup(name=name, permissions=sorted(PERMISSIONS))
                db.session.add(group)
            group.members.append(user)


def _ensure_unique_name(name: str) -> None:
    if db.session.scalar(select(PermissionGroup.id).where(PermissionGroup.name == name)):
        raise GroupExists()

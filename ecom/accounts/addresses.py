"""Address book rules: a user's own addresses, exactly one of them the default."""

from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ecom.accounts.models import Address, User
from ecom.common.errors import Conflict, NotFound
from ecom.common.transactions import atomic
from ecom.extensions import db

SHIPPING_FIELDS = (
    "first_name",
    "last_name",
    "line1",
    "line2",
    "city",
    "postal_code",
    "country",
    "region",
    "phone",
    "vat_number",
)


def list_addresses(user: User) -> list[Address]:
    """Default first, then oldest first."""
    query = (
        select(Address)
        .where(Address.user_id == user.id)
        .order_by(Address.is_default.desc(), Address.id)
    )
    return list(db.session.scalars(query))


def get_address(user: User, address_id: int) -> Address:
    """One of ``user``'s addresses; anybody else's is not found."""
    address = db.session.scalar(
        select(Address).where(Address.id == address_id, Address.user_id == user.id)
    )
    if address is None:
        raise NotFound(gettext("Address not found."))
    return address


def default_address(user: User) -> Address | None:
    return db.session.scalar(
        select(Address).where(Address.user_id == user.id, Address.is_default.is_(True))
    )


def snapshot(address: Address) -> dict[str, str]:
    """The address as a plain dict, to be copied into an order."""
    return {field: getattr(address, field) for field in SHIPPING_FIELDS}


def _clear_default(user: User) -> None:
    db.session.execute(
        update(Address)
        .where(Address.user_id == user.id, Address.is_default.is_(True))
        .values(is_default=False)
    )


def _write(block: Callable[[], Any]) -> Any:
    """Run ``block`` in one transaction; a lost race on the one-default index is a 409."""
    try:
        with atomic():
            return block()
    except IntegrityError as exc:
        raise Conflict(gettext("The default address changed meanwhile; try again.")) from exc


def create_address(user: User, data: dict[str, Any]) -> Address:
    """Add an address; the first one, or one sent with ``is_default``, becomes the default."""

    def block() -> Address:
        make_default = data.pop("is_default", False) or default_address(user) is None
        if make_default:
            _clear_default(user)
        address = Address(user_id=user.id, is_default=make_default, **data)
        db.session.add(address)
        return address

    return _write(block)


def update_address(user: User, address_id: int, changes: dict[str, Any]) -> Address:
    def block() -> Address:
        address = get_address(user, address_id)
        make_default = changes.pop("is_default", None)
        if make_default is False and address.is_default:
            message = gettext("Make another address the default instead.")
            raise Conflict(message, errors={"is_default": [message]})
        if make_default:
            _clear_default(user)
            address.is_default = True
        for field, value in changes.items():
            setattr(address, field, value)
        return address

    return _write(block)


def delete_address(user: User, address_id: int) -> None:
    """Delete an address; when it was the default, the newest remaining one takes over."""

    def block() -> None:
        address = get_address(user, address_id)
        db.session.delete(address)
        db.session.flush()
        if address.is_default:
            successor = db.session.scalar(
                select(Address).where(Address.user_id == user.id).order_by(Address.id.desc())
            )
            if successor is not None:
                successor.is_default = True

    _write(block)

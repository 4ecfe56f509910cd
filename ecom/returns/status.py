"""A return's status machine and its history: every move is recorded with who made it,
and told as ``return.status_changed``."""

from flask_babel import gettext
from sqlalchemy import select

from ecom.accounts.models import User
from ecom.common.errors import NotFound
from ecom.common.events import record
from ecom.common.models import lock_row
from ecom.extensions import db
from ecom.payments.services import lock_order
from ecom.returns.errors import InvalidReturnTransition
from ecom.returns.events import RETURN_STATUS_CHANGED
from ecom.returns.models import Return, ReturnStatusChange

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("approved", "rejected", "cancelled"),
    "approved": ("received",),
    "received": ("refunded",),
    "rejected": (),
    "refunded": (),
    "cancelled": (),
}


def lock_return(return_id: int) -> Return:
    """The return, after its order (every write about an order locks the order first),
    both locked until commit and read afresh."""
    order_id = db.session.scalar(select(Return.order_id).where(Return.id == return_id))
    if order_id is None:
        raise NotFound(gettext("Return not found."))
    lock_order(order_id)
    return lock_row(Return, return_id)


def move(return_: Return, to_status: str, *, actor: User | None, note: str = "") -> None:
    """Move a locked return along ``TRANSITIONS`` (in the caller's transaction)."""
    from_status = return_.status
    if to_status not in TRANSITIONS[from_status]:
        raise InvalidReturnTransition(from_status, to_status)
    return_.status = to_status
    db.session.add(
        ReturnStatusChange(
            return_=return_,
            from_status=from_status,
            to_status=to_status,
            changed_by_id=actor.id if actor else None,
            note=note,
        )
    )
    db.session.flush()
    record(
        RETURN_STATUS_CHANGED,
        return_id=return_.id,
        order_id=return_.order_id,
        user_id=return_.user_id,
        from_status=from_status,
        to_status=to_status,
        changed_by_id=actor.id if actor else None,
    )

"""Staff handle a return: approve or reject it, then receive its units and choose, line by
line, whether they go back on sale."""

from ecom.accounts.models import User
from ecom.catalog.stock import restock_all
from ecom.common.transactions import atomic
from ecom.returns import status
from ecom.returns.errors import UnknownLine
from ecom.returns.models import Return


def approve(return_id: int, *, actor: User | None, note: str = "") -> Return:
    with atomic(keep_loaded=True):
        return_ = status.lock_return(return_id)
        status.move(return_, "approved", actor=actor, note=note)
    return return_


def reject(return_id: int, *, actor: User | None, reason: str) -> Return:
    """Refuse a requested return; its units may be asked for again."""
    with atomic(keep_loaded=True):
        return_ = status.lock_return(return_id)
        status.move(return_, "rejected", actor=actor, note=reason)
        return_.rejection_reason = reason
    return return_


def receive(return_id: int, *, actor: User | None, restock: list[int], note: str = "") -> Return:
    """The approved return's units arrived; the lines named in ``restock`` (return line
    ids) go back to stock, the others stay off sale."""
    with atomic(keep_loaded=True):
        return_ = status.lock_return(return_id)
        lines = {line.id: line for line in return_.lines}
        for index, line_id in enumerate(restock):
            if line_id not in lines:
                raise UnknownLine(index, "restock", None)
        status.move(return_, "received", actor=actor, note=note)
        back = {}
        for line_id in set(restock):
            line = lines[line_id]
            line.restocked = True
            back[line.item.variant_id] = back.get(line.item.variant_id, 0) + line.quantity
        if back:
            restock_all(back)
    return return_

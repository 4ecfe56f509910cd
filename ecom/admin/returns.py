"""The order page's returns: staff approve, reject, receive and refund them through the
returns' services, and see the order's money history."""

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext

from ecom.admin.base import admin_may
from ecom.admin.session import current_admin_user
from ecom.returns import handling, refunds, services
from ecom.returns.models import RETURN_REASONS
from ecom.returns.status import TRANSITIONS

STEPS = {
    "approve": lambda return_id, actor, form: handling.approve(return_id, actor=actor),
    "reject": lambda return_id, actor, form: handling.reject(
        return_id, actor=actor, reason=form.get("reason", "").strip()
    ),
    "receive": lambda return_id, actor, form: handling.receive(
        return_id, actor=actor, restock=[int(i) for i in form.getlist("restock") if i.isdigit()]
    ),
    "refund": lambda return_id, actor, form: refunds.refund_return(
        return_id, actor=actor, with_shipping=form.get("include_shipping") == "on"
    ),
}


class ReturnActions:
    """Mixed into the orders view: its page shows the returns and acts on them."""

    def returns_context(self) -> dict[str, Any]:
        return {
            "order_returns": services.order_returns,
            "order_money": services.order_money,
            "return_transitions": TRANSITIONS,
            "return_reasons": RETURN_REASONS,
        }

    @expose("/return/<step>/", methods=("POST",))
    def return_step(self, step: str) -> Any:
        """One step of a return (``STEPS``), as the API's staff routes take it."""
        order_id = request.form.get("order_id", type=int)
        return_id = request.form.get("return_id", type=int)
        act = STEPS.get(step)
        if act is None or return_id is None:
            flash(gettext("No such step of a return."), "error")
        elif step == "reject" and not request.form.get("reason", "").strip():
            flash(gettext("A rejection needs a reason."), "error")
        elif step == "refund" and not admin_may("manage_refunds"):
            abort(403)
        else:
            actor = current_admin_user()
            if self.perform(lambda: act(return_id, actor, request.form)):
                flash(gettext("Return #%(id)s: %(step)s done.", id=return_id, step=step), "success")
        return redirect(url_for(".details_view", id=order_id))

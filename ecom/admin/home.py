"""The back office's home page: the dashboard's figures (computed in ``dashboard``)."""

from datetime import UTC, datetime
from math import ceil

from flask import abort, current_app, request
from flask_admin import AdminIndexView, expose

from ecom.admin import dashboard
from ecom.admin.base import StaffOnly, admin_may
from ecom.admin.charts import revenue_chart
from ecom.common.ids import MAX_ID

LOW_STOCK_PAGE_SIZE = 20


class DashboardView(StaffOnly, AdminIndexView):
    """Every staff member's home; its figures are for those with ``view_reports``."""

    @expose("/")
    def index(self) -> str:
        if not admin_may("view_reports"):
            return self.render("ecom_admin/welcome.html")
        now = datetime.now(UTC)
        config = current_app.config
        threshold = config["LOW_STOCK_THRESHOLD"]
        page = request.args.get("low_stock_page", 1, type=int)
        if not 1 <= page <= MAX_ID:
            abort(404)
        low_count, low_variants = dashboard.low_stock(threshold, page, LOW_STOCK_PAGE_SIZE)
        return self.render(
            "ecom_admin/dashboard.html",
            currency=config["SHOP_CURRENCY"],
            periods=dashboard.period_figures(now),
            by_status=dashboard.orders_by_status(),
            top_products=dashboard.top_products(now),
            low_stock_threshold=threshold,
            low_stock_count=low_count,
            low_stock_variants=low_variants,
            low_stock_page=page,
            low_stock_pages=max(ceil(low_count / LOW_STOCK_PAGE_SIZE), 1),
            chart=revenue_chart(dashboard.daily_revenue(now), config["SHOP_CURRENCY"]),
        )

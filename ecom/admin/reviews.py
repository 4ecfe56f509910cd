"""Back office moderation of reviews: hide, show or delete, through the reviews service."""

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual

from ecom.admin.base import ServiceModelView, show_related
from ecom.admin.session import current_admin_user
from ecom.reviews import services as reviews
from ecom.reviews.models import Review


class ReviewsView(ServiceModelView):
    """Moderation: hidden reviews leave the product's rating, which the service recomputes."""

    required_permission = "manage_customers"

    can_create = False
    can_edit = False
    can_view_details = True
    column_list = (
        "id",
        "product",
        "user",
        "rating",
        "title",
        "comment",
        "verified_purchase",
        "is_visible",
        "created_at",
    )
    column_labels = {"user": "Author", "is_visible": "Visible", "verified_purchase": "Verified"}
    column_formatters = {"product": show_related("title"), "user": show_related("email")}
    column_searchable_list = ("title", "comment")
    column_sortable_list = (
        "id",
        ("product", "product.title"),
        ("user", "user.email"),
        "rating",
        "is_visible",
        "created_at",
    )
    column_filters = (
        "is_visible",
        "rating",
        FilterEqual(Review.product_id, "Product id"),
    )
    column_default_sort = ("created_at", True)

    def delete_model(self, model: Review) -> bool:
        return self.perform(lambda: reviews.delete_review(model.id, current_admin_user()))

    @action("hide", "Hide", "Hide the selected reviews?")
    def action_hide(self, ids: list[str]) -> None:
        self._set_visibility(ids, visible=False)

    @action("show", "Show", "Show the selected reviews?")
    def action_show(self, ids: list[str]) -> None:
        self._set_visibility(ids, visible=True)

    def _set_visibility(self, ids: list[str], *, visible: bool) -> None:
        changed = [
            review_id
            for review_id in ids
            if self.perform(
                lambda review_id=review_id: reviews.set_visibility(int(review_id), visible)
            )
        ]
        if changed:
            flash(f"{len(changed)} review(s) {'shown' if visible else 'hidden'}.", "success")

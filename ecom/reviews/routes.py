from flask.views import MethodView
from flask_jwt_extended import current_user

from ecom.common.api import Blueprint
from ecom.common.cache import cached_response, not_shared
from ecom.common.cache_families import REVIEW_READS
from ecom.common.pagination import page_schema, paginate
from ecom.common.permissions import current_user_or_none, is_staff
from ecom.reviews import services
from ecom.reviews.schemas import (
    ReviewCreateSchema,
    ReviewListArgsSchema,
    ReviewPatchSchema,
    ReviewSchema,
    ReviewUpdateSchema,
)

blp = Blueprint(
    "reviews", __name__, url_prefix="/api/v1/reviews", description="Product reviews and ratings."
)


@blp.route("/")
class Reviews(MethodView):
    @cached_response(*REVIEW_READS)
    @blp.arguments(ReviewListArgsSchema, location="query")
    @blp.response(200, page_schema(ReviewSchema))
    def get(self, args):
        """Visible reviews, newest first unless `ordering` says otherwise."""
        return paginate(services.reviews_query(args, include_inactive_products=is_staff()), args)

    @blp.auth()
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="No such product on sale.")
    @blp.alt_response(409, response="CONFLICT", description="Already reviewed by the caller.")
    def post(self, data):
        """Review a product as the caller; one review per user and product."""
        return services.create_review(current_user, **data)


@blp.route("/<int:review_id>/")
class ReviewDetail(MethodView):
    @cached_response(*REVIEW_READS)
    @blp.auth(None, optional=True)
    @blp.response(200, ReviewSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, review_id):
        """One review; a hidden one only for its author and staff."""
        review = services.get_review(review_id, current_user_or_none())
        if not review.is_visible:
            not_shared()  # Its author's view: never served to anybody else.
        return review

    @blp.auth()
    @blp.arguments(ReviewUpdateSchema)
    @blp.response(200, ReviewSchema)
    @blp.alt_response(403, response="FORBIDDEN", description="Not the author.")
    @blp.alt_response(404, response="NOT_FOUND")
    def put(self, data, review_id):
        """Rewrite one's own review."""
        return services.update_review(review_id, current_user, data)

    @blp.auth()
    @blp.arguments(ReviewPatchSchema(partial=True))
    @blp.response(200, ReviewSchema)
    @blp.alt_response(403, response="FORBIDDEN", description="Not the author.")
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, data, review_id):
        """Change some fields of one's own review."""
        return services.update_review(review_id, current_user, data)

    @blp.auth()
    @blp.response(204)
    @blp.alt_response(403, response="FORBIDDEN", description="Neither the author nor staff.")
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, review_id):
        """Delete a review (its author, staff or an admin)."""
        services.delete_review(review_id, current_user)

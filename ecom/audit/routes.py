from flask.views import MethodView

from ecom.audit.schemas import AuditEntrySchema, AuditListArgsSchema
from ecom.common.api import Blueprint
from ecom.common.audit import entries_query
from ecom.common.pagination import page_schema, paginate

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/v1/audit",
    description="The audit log: every write of staff and integrations, with who, when, "
    "from where and the fields before and after (read-only).",
)


@blp.route("/")
class AuditEntries(MethodView):
    @blp.auth(permission="view_reports")
    @blp.arguments(AuditListArgsSchema, location="query")
    @blp.response(200, page_schema(AuditEntrySchema))
    def get(self, args):
        """Audit entries, newest first, by actor, object and date (admin)."""
        return paginate(entries_query(args), args)

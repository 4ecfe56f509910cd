from flask import Response, current_app, request
from flask.views import MethodView
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from ecom.common.api import ApiParser, Blueprint
from ecom.common.permissions import current_user_or_none
from ecom.integrations.bulk import exports, imports, jobs
from ecom.integrations.bulk.errors import UploadTooLarge
from ecom.integrations.bulk.files import CONTENT_TYPES
from ecom.integrations.bulk.schemas import BulkJobSchema, ExportRequestSchema, ImportUploadSchema

# The multipart envelope around the file: boundaries, part headers, the form fields.
MULTIPART_OVERHEAD = 64 * 1024


class MultipartParser(ApiParser):
    """A multipart form's files and fields, read as one body (as the document shows it)."""

    def load_files(self, req, schema) -> MultiDictProxy:
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class BulkBlueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()


blp = BulkBlueprint(
    "bulk",
    __name__,
    url_prefix="/api/v1",
    description="Bulk import of products, variants and stock from CSV or XLSX, and exports "
    "of products, orders and customers, run as jobs (staff; docs/INTEGRATIONS.md).",
)


@blp.url_value_preprocessor
def _bound_upload(endpoint, _values):
    """Before anything reads the body: an upload announced past ``IMPORT_MAX_BYTES`` is
    refused unread, and a body that turns out longer stops being read there (413)."""
    if endpoint != "bulk.Imports" or request.method != "POST":
        return
    limit = current_app.config["IMPORT_MAX_BYTES"]
    if (request.content_length or 0) > limit + MULTIPART_OVERHEAD:
        raise UploadTooLarge(limit)
    request.max_content_length = limit + MULTIPART_OVERHEAD


def _user_id():
    user = current_user_or_none()
    return user.id if user else None


@blp.route("/imports/")
class Imports(MethodView):
    @blp.auth(permission="manage_catalog")
    @blp.arguments(ImportUploadSchema, location="files")
    @blp.response(202, BulkJobSchema)
    @blp.alt_response(
        200, schema=BulkJobSchema, description="A dry run's report: nothing was written."
    )
    @blp.alt_response(
        413, response="DEFAULT_ERROR", description="`upload_too_large`: over IMPORT_MAX_BYTES."
    )
    def post(self, form):
        """Import products or stock from a file (staff): a dry run answers its report at
        once; a real run is a job (`state`, `rows_done` of `rows_total`) that writes
        nothing unless every row is valid. 400: `unsupported_format`, `malformed_file`,
        `missing_columns`, `unknown_columns`."""
        job = imports.start_import(
            form["file"],
            form["kind"],
            dry_run=form["dry_run"],
            create_categories=form["create_categories"],
            user_id=_user_id(),
        )
        return (job, 200) if form["dry_run"] else job


@blp.route("/imports/<int:import_id>/")
class ImportDetail(MethodView):
    @blp.auth(permission="manage_catalog")
    @blp.response(200, BulkJobSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, import_id):
        """An import's progress and outcome (staff)."""
        return jobs.get_job(import_id, "import")


@blp.route("/exports/")
class Exports(MethodView):
    @blp.auth(permission="view_reports")
    @blp.arguments(ExportRequestSchema)
    @blp.response(202, BulkJobSchema)
    def post(self, data):
        """Export products (the import's columns), orders (one row per line, by date) or
        customers as CSV or XLSX (staff): a job, downloadable once `done`."""
        return exports.start_export(data, _user_id())


@blp.route("/exports/<int:export_id>/")
class ExportDetail(MethodView):
    @blp.auth(permission="view_reports")
    @blp.response(200, BulkJobSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, export_id):
        """An export's progress, and its `download_url` once done (staff)."""
        return jobs.get_job(export_id, "export")


@blp.route("/exports/<int:export_id>/file/")
class ExportFile(MethodView):
    @blp.auth(permission="view_reports")
    @blp.response(
        200,
        content_type="application/octet-stream",
        description="The file (`text/csv` or the XLSX type), as an attachment.",
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`export_not_ready`.")
    def get(self, export_id):
        """Download a done export (staff)."""
        job, data = exports.export_file(export_id)
        return Response(
            data,
            mimetype=CONTENT_TYPES[job.format],
            headers={"Content-Disposition": f'attachment; filename="{job.filename}"'},
        )

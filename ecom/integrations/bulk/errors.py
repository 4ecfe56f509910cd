"""The errors of bulk import and export, with their codes."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import DomainError, NotFound, ValidationFailed


class UploadTooLarge(DomainError):
    status = 413
    code = "upload_too_large"
    location = "files"

    def __init__(self, limit: int) -> None:
        message = gettext(
            "The file is larger than IMPORT_MAX_BYTES (%(limit)s bytes).", limit=limit
        )
        super().__init__(message, errors={"file": [message]})


class BadFile(ValidationFailed):
    """The file cannot be read as a table, or its columns are wrong."""

    location = "files"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, errors={"file": [message]}, code=code)


class JobNotFound(NotFound):
    message = _l("Bulk job not found.")


class ExportNotReady(DomainError):
    status = 409
    code = "export_not_ready"
    message = _l("The export is not done yet; its state says where it is.")


class RowFailed(DomainError):
    """A catalogue rule refused a row while writing (a change made meanwhile)."""

    def __init__(self, row: int, error: DomainError) -> None:
        message = gettext(
            "Row %(row)s: %(message)s The batches before it were written; importing the file "
            "again finishes the work.",
            row=row,
            message=error.message,
        )
        super().__init__(message, code=error.code)
        self.status = error.status

"""The audit log, read: the API's list of entries (the entries are written by
``ecom.common.audit_capture``)."""

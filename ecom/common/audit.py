"""The audit log: who changed what, when, from where, with the fields before and after.

Every write of a staff member or an integration (in the API or the back office) leaves one
``AuditEntry`` per row it creates, updates or deletes, written by the session itself
(``ecom.common.audit_capture``) in the transaction of the change: a rolled-back or refused
write leaves none, and no service writes an entry by hand. Entries are append-only: no
code updates or deletes them but the retention purge (``ecom.common.audit_retention``),
and on PostgreSQL a trigger refuses any other UPDATE or DELETE (docs/AUDIT.md).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import Select, select

from ecom.common.models import UTCDateTime, one_of, utcnow
from ecom.common.permissions import USER_KEY, has_role
from ecom.extensions import db

ACTIONS = ("create", "update", "delete")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Where the integration token that authenticated a request is kept (set by its check).
INTEGRATION_TOKEN_KEY = "ecom.integration_token"
# ``g`` of the request's own app context: after-commit work runs in a context of its own
# (the embedded job queue), so it is not taken for the request's write.
SCOPE_KEY = "audit_write"
ORIGIN_KEY = "audit_origin"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        one_of("action", ACTIONS),
        db.Index("ix_audit_entries_object", "object_type", "object_id"),
    )

    id = db.Column(db.BigInteger().with_variant(db.Integer(), "sqlite"), primary_key=True)
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    # Who: a user (with the e-mail they had then), an integration token, or both.
    actor_user_id = db.Column(db.Integer, index=True)
    actor_email = db.Column(db.String(254))
    actor_token_id = db.Column(db.Integer, index=True)
    # What: the row (its table and primary key) and the request that changed it.
    action = db.Column(db.String(8), nullable=False)
    object_type = db.Column(db.String(64), nullable=False)
    object_id = db.Column(db.String(64), nullable=False)
    method = db.Column(db.String(8), nullable=False)
    route = db.Column(db.String(200), nullable=False)
    # From where: the client address as ProxyFix reports it, the request log's id.
    ip = db.Column(db.String(45))
    request_id = db.Column(db.String(128))
    # {field: {"before": value, "after": value}}, secrets masked.
    changes = db.Column(db.JSON, nullable=False)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_type} {self.object_id}>"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    email: str | None
    token_id: int | None


@dataclass(frozen=True)
class Origin:
    """The actor and the request an entry records."""

    actor: Actor
    method: str
    route: str
    ip: str | None
    request_id: str | None

    def entry(self, action: str, object_type: str, object_id: str, changes: dict) -> dict:
        """The values of one ``audit_entries`` row."""
        return {
            "created_at": utcnow(),
            "actor_user_id": self.actor.user_id,
            "actor_email": self.actor.email,
            "actor_token_id": self.actor.token_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "method": self.method,
            "route": self.route,
            "ip": self.ip,
            "request_id": self.request_id,
            "changes": changes,
        }


def request_actor() -> Actor | None:
    """The staff member or integration this request acts for; None for a customer or an
    anonymous caller (their own carts, addresses and orders are not audited)."""
    token = request.environ.get(INTEGRATION_TOKEN_KEY)
    user = request.environ.get(USER_KEY)
    if token is None and not has_role(user, "staff"):
        return None
    return Actor(
        user_id=getattr(user, "id", None),
        email=getattr(user, "email", None),
        token_id=getattr(token, "id", None),
    )


def current_origin() -> Origin | None:
    """Who and whence for the audit entries of this point, or None when nothing is audited:
    outside a write request, in after-commit work, or for a customer's own write. Kept for
    the request once an actor is known (the view authenticates before it writes)."""
    if not has_request_context() or not g.get(SCOPE_KEY):
        return None
    origin = g.get(ORIGIN_KEY)
    if origin is None:
        actor = request_actor()
        if actor is None:
            return None
        origin = Origin(
            actor=actor,
            method=request.method,
            route=request.url_rule.rule if request.url_rule else request.path,
            ip=request.remote_addr,
            request_id=g.get("request_id"),
        )
        setattr(g, ORIGIN_KEY, origin)
    return origin


def entries_query(filters: dict[str, Any]) -> Select:
    """Entries, newest first, narrowed by ``filters``: ``actor_user_id``,
    ``actor_token_id``, ``object_type``, ``object_id``, ``created_after`` (inclusive) and
    ``created_before`` (exclusive)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    for name in ("actor_user_id", "actor_token_id", "object_type", "object_id"):
        if filters.get(name) is not None:
            value = str(filters[name]) if name == "object_id" else filters[name]
            query = query.where(getattr(AuditEntry, name) == value)
    after: datetime | None = filters.get("created_after")
    before: datetime | None = filters.get("created_before")
    if after is not None:
        query = query.where(AuditEntry.created_at >= after)
    if before is not None:
        query = query.where(AuditEntry.created_at < before)
    return query

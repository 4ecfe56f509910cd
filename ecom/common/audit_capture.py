"""How audit entries are written: by the session, for every row a staff or integration
request changes, whichever service changed it.

``before_flush`` reads who acts (``audit.current_origin``) and the values the flush will
overwrite that the session never loaded; ``after_flush`` (rows inserted, keys known, the
history still there) inserts one entry per created, updated or deleted row of an audited
table, in the same transaction. Bulk UPDATE and DELETE statements (the conditional
updates of stock and order status) are read before and after they run
(``do_orm_execute``). Raw SQL (``text()``) is not seen: services do not write with it.
"""

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import Flask, g, request
from sqlalchemy import Table, event, insert, inspect, select, tuple_
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import NO_VALUE
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import CTE

from ecom.common import audit
from ecom.common.audit import AuditEntry, current_origin
from ecom.common.audit_retention import purge_expired
from ecom.common.audit_rules import MASK, audited_columns, is_audited, is_masked

ORIGIN_KEY = "ecom.audit.origin"
UNLOADED_KEY = "ecom.audit.unloaded"


def init_app(app: Flask) -> None:
    """Audit the writes of every request of ``app``; purge old entries at each sweep where
    no beat runs (on the embedded default)."""
    app.before_request(_open_scope)
    app.teardown_request(_close_scope)
    app.extensions["outbox"].every_sweep(purge_expired)


def _open_scope() -> None:
    setattr(g, audit.SCOPE_KEY, request.method in audit.WRITE_METHODS)


def _close_scope(_error: BaseException | None) -> None:
    g.pop(audit.SCOPE_KEY, None)
    g.pop(audit.ORIGIN_KEY, None)


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it (money and times as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def change(key: str, before: Any, after: Any) -> dict[str, Any]:
    if is_masked(key):
        before, after = (None if v is None else MASK for v in (before, after))
    return {"before": plain(before), "after": plain(after)}


def _object_id(state: Any) -> str:
    """The row's primary key as text (``12``; ``3,5`` for a composite one)."""
    identity = state.key[1] if state.key else state.mapper.primary_key_from_instance(state.obj())
    return ",".join(map(str, identity))


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    origin = current_origin()
    session.info[ORIGIN_KEY] = origin
    if origin is not None:
        session.info[UNLOADED_KEY] = _unloaded_before(session)


def _unloaded_before(session: Session) -> dict[int, dict[str, Any]]:
    """For rows the flush updates: the stored value of each column set without having been
    loaded first (the history holds no "before" for it), by object."""
    found = {}
    for obj in session.dirty:
        state = inspect(obj)
        if not is_audited(state.mapper.local_table) or state.key is None:
            continue
        keys = [
            key
            for key in audited_columns(state.mapper)
            if state.attrs[key].history.added
            and not state.attrs[key].history.deleted
            and state.committed_state.get(key, NO_VALUE) is NO_VALUE
        ]
        if keys:
            columns = [state.mapper.columns[key] for key in keys]
            where = [c == v for c, v in zip(state.mapper.primary_key, state.key[1], strict=True)]
            row = session.execute(select(*columns).where(*where)).one_or_none()
            if row is not None:
                found[id(obj)] = dict(zip(keys, row, strict=True))
    return found


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    origin = session.info.pop(ORIGIN_KEY, None)
    unloaded = session.info.pop(UNLOADED_KEY, {})
    if origin is None:
        return
    entries = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            state = inspect(obj)
            if not is_audited(state.mapper.local_table):
                continue
            changes = _changes(action, state, unloaded.get(id(obj), {}))
            if changes or action != "update":
                table = state.mapper.local_table.name
                entries.append(origin.entry(action, table, _object_id(state), changes))
    _write(session, entries)


def _changes(action: str, state: Any, unloaded: dict[str, Any]) -> dict[str, dict]:
    keys = audited_columns(state.mapper)
    if action == "create":
        return {k: change(k, None, state.dict[k]) for k in keys if state.dict.get(k) is not None}
    if action == "delete":
        return {k: change(k, state.dict[k], None) for k in keys if state.dict.get(k) is not None}
    changes = {}
    for key in keys:
        history = state.attrs[key].history
        if not history.added:
            continue
        before = history.deleted[0] if history.deleted else unloaded.get(key)
        if before != history.added[0]:
            changes[key] = change(key, before, history.added[0])
    return changes


def _write(session: Session, entries: list[dict]) -> None:
    if entries:
        session.connection().execute(insert(AuditEntry.__table__), entries)


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state: ORMExecuteState) -> Any:
    """An UPDATE or DELETE statement of an audited table: its rows read before and after."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    table = state.bind_mapper.local_table
    if not isinstance(table, Table) or not is_audited(table):
        return None
    origin = current_origin()
    if origin is None or _has_cte(state.statement):
        return None
    mapper = state.bind_mapper
    before = _read_rows(state, mapper)
    result = state.invoke_statement()
    after = _reread(state.session, mapper, list(before)) if state.is_update else {}
    entries = []
    for key, old in before.items():
        if state.is_delete:
            changes = {k: change(k, v, None) for k, v in old.items() if v is not None}
            entries.append(origin.entry("delete", table.name, key, changes))
            continue
        new = after.get(key, {})
        changes = {k: change(k, v, new.get(k)) for k, v in old.items() if new.get(k) != v}
        if changes:
            entries.append(origin.entry("update", table.name, key, changes))
    _write(state.session, entries)
    return result


def _has_cte(statement: Any) -> bool:
    """Whether ``statement`` reads a WITH query: one that writes too (the stock take) must
    not run twice, so such a statement is not read before it runs."""
    return any(isinstance(element, CTE) for element in visitors.iterate(statement))


def _columns(mapper: Mapper) -> list:
    return [*mapper.primary_key, *(mapper.columns[key] for key in audited_columns(mapper))]


def _rows_by_key(mapper: Mapper, rows: Any) -> dict[str, dict[str, Any]]:
    size = len(mapper.primary_key)
    keys = audited_columns(mapper)
    return {
        ",".join(map(str, row[:size])): dict(zip(keys, row[size:], strict=True)) for row in rows
    }


def _read_rows(state: ORMExecuteState, mapper: Mapper) -> dict[str, dict[str, Any]]:
    """The rows the statement will change, locked as the statement would lock them."""
    query = select(*_columns(mapper)).with_for_update(of=mapper.local_table)
    where = state.statement.whereclause
    parameters = state.parameters
    if isinstance(parameters, list):
        # An UPDATE by primary key, one parameter set per row.
        keys = [
            tuple(p[mapper.get_property_by_column(c).key] for c in mapper.primary_key)
            for p in parameters
        ]
        query = query.where(tuple_(*mapper.primary_key).in_(keys))
        parameters = None
    elif where is not None:
        query = query.where(where)
    rows = state.session.execute(query, parameters or {}, execution_options={"autoflush": False})
    return _rows_by_key(mapper, rows)


def _reread(session: Session, mapper: Mapper, keys: list[str]) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    [column] = mapper.primary_key if len(mapper.primary_key) == 1 else [None]
    if column is None:
        return {}
    values = [column.type.python_type(key) for key in keys]
    rows = session.execute(
        select(*_columns(mapper)).where(column.in_(values)),
        execution_options={"autoflush": False},
    )
    return _rows_by_key(mapper, rows)

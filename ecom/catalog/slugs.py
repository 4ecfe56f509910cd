"""URL slugs for categories and products, unique per table even under concurrent inserts."""

import itertools
from collections.abc import Callable

from slugify import slugify
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ecom.catalog.models import Category, Product
from ecom.common.errors import Conflict
from ecom.common.transactions import atomic
from ecom.extensions import db

SLUG_ATTEMPTS = 3


def unique_slug(model: type[Category | Product], text: str) -> str:
    """A slug of ``text`` unused in ``model``: ``iphone-15``, then ``iphone-15-2``…"""
    base = slugify(text, max_length=100) or model.__name__.lower()
    # The free base needs one index lookup; the LIKE scan only runs for a taken one.
    if db.session.scalar(select(model.id).where(model.slug == base)) is None:
        return base
    taken = set(
        db.session.scalars(
            select(model.slug).where(or_(model.slug == base, model.slug.like(f"{base}-%")))
        )
    )
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in taken)


def add_with_unique_slug(
    instance: Category | Product, text: str, *, changed: Callable[[], None], conflict: Conflict
) -> None:
    """Insert ``instance`` under a free slug; a concurrent insert taking it means a retry.
    ``changed`` runs once it has an id, again on every attempt (a rollback forgets what it
    recorded)."""
    for _ in range(SLUG_ATTEMPTS):
        try:
            with atomic():
                instance.slug = unique_slug(type(instance), text)
                db.session.add(instance)
                db.session.flush()
                changed()
            return
        except IntegrityError:
            continue
    raise conflict

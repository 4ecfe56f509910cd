"""URL slugs for categories and products, unique per table even under concurrent inserts.

A slug names one product (or category) in every language: a default slug is never another
one's translated slug, nor the reverse (``ecom.catalog.translating``)."""

import itertools
from collections.abc import Callable

from slugify import slugify
from sqlalchemy import Select, or_, select, union
from sqlalchemy.exc import IntegrityError

from ecom.catalog.models import Category, Product
from ecom.catalog.translations import CategoryTranslation, ProductTranslation
from ecom.common.errors import Conflict
from ecom.common.transactions import atomic
from ecom.extensions import db

SLUG_ATTEMPTS = 3
TRANSLATIONS = {Product: ProductTranslation, Category: CategoryTranslation}


def _slugs(model: type[Category | Product], exclude_id: int | None, *conditions: object) -> Select:
    """Slugs of every language held by ``model``'s rows other than ``exclude_id``."""
    translation = TRANSLATIONS[model]
    owner = getattr(translation, translation.owner_key)
    own = select(model.slug.label("slug")).where(*[c(model.slug) for c in conditions])
    translated = select(translation.slug).where(*[c(translation.slug) for c in conditions])
    if exclude_id is not None:
        own, translated = own.where(model.id != exclude_id), translated.where(owner != exclude_id)
    return union(own, translated)


def slug_taken(model: type[Category | Product], slug: str, exclude_id: int | None = None) -> bool:
    """Whether a row of ``model`` other than ``exclude_id`` has ``slug`` in some language."""
    query = _slugs(model, exclude_id, lambda column: column == slug)
    return db.session.scalar(query.limit(1)) is not None


def unique_slug(model: type[Category | Product], text: str, exclude_id: int | None = None) -> str:
    """A slug of ``text`` no other row of ``model`` has in any language: ``iphone-15``,
    then ``iphone-15-2``…"""
    base = slugify(text, max_length=100) or model.__name__.lower()
    # The free base needs one lookup by index; the LIKE scan only runs for a taken one.
    if not slug_taken(model, base, exclude_id):
        return base
    taken = set(
        db.session.scalars(
            _slugs(model, exclude_id, lambda column: or_(column == base, column.like(f"{base}-%")))
        )
    )
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

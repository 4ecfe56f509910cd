"""Smaller copies of product and variant images, for screens that need fewer pixels.

An upload enqueues ``RENDER``; the outbox job reads the original from storage and writes,
beside it, one copy per width of ``WIDTHS`` (never wider than the original) in its own
format and in WebP: ``products/7/3f2a.png`` → ``products/7/3f2a.w320.png`` and
``products/7/3f2a.w320.webp``. It then marks its owner's ``image_renditions``, only while
the owner still shows that original (a replacement meanwhile makes them moot: they are
deleted). Answers list the renditions once marked (``image_set``); deleting an original
deletes its renditions.
"""

from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy import update

from ecom.catalog.models import Product, ProductVariant
from ecom.catalog.summary import product_changed
from ecom.common import outbox
from ecom.common.storage import get_storage, image_url
from ecom.common.transactions import atomic
from ecom.extensions import db

RENDER = "catalog.image_renditions"
WIDTHS = (320, 640, 1024)
SAVE_OPTIONS = {"JPEG": {"quality": 85, "optimize": True}, "WEBP": {"quality": 80}, "PNG": {}}
FORMAT_OF = {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}


def rendition_names() -> list[str]:
    """The names an answer's ``images`` holds besides ``original``, e.g. ``w320_webp``."""
    return [f"w{width}{suffix}" for width in WIDTHS for suffix in ("", "_webp")]


def rendition_keys(key: str) -> dict[str, str]:
    """Name → storage key of each rendition of the original ``key``."""
    path = PurePosixPath(key)
    stem = str(path.with_suffix(""))
    keys = {}
    for width in WIDTHS:
        keys[f"w{width}"] = f"{stem}.w{width}{path.suffix}"
        keys[f"w{width}_webp"] = f"{stem}.w{width}.webp"
    return keys


def image_set(owner: Product | ProductVariant) -> dict[str, str | None] | None:
    """``{original, w320, w320_webp, ...}`` URLs; the renditions null until made."""
    if not owner.image:
        return None
    made = owner.image_renditions
    urls = {
        name: image_url(key) if made else None for name, key in rendition_keys(owner.image).items()
    }
    return {"original": image_url(owner.image), **urls}


def enqueue_render(owner: Product | ProductVariant, key: str) -> None:
    """Have the renditions of ``owner``'s new image ``key`` made after the commit."""
    kind = "product" if isinstance(owner, Product) else "variant"
    outbox.enqueue(RENDER, {"kind": kind, "id": owner.id, "key": key})


def delete_image(key: str) -> None:
    """Delete an original and its renditions (those not made yet are no error)."""
    storage = get_storage()
    for stored in (key, *dict.fromkeys(rendition_keys(key).values())):
        storage.delete(stored)


def _encoded(image: Image.Image, image_format: str) -> bytes:
    out = BytesIO()
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(out, image_format, **SAVE_OPTIONS[image_format])
    return out.getvalue()


def render(key: str) -> None:
    """Write the renditions of the stored original ``key`` (again, if they exist)."""
    storage = get_storage()
    image_format = FORMAT_OF[PurePosixPath(key).suffix]
    keys = rendition_keys(key)
    with Image.open(BytesIO(storage.read(key))) as original:
        original = ImageOps.exif_transpose(original)
        for width in WIDTHS:
            copy = original.copy()
            copy.thumbnail((width, original.height))  # only ever shrinks, keeping the ratio
            storage.save(keys[f"w{width}"], _encoded(copy, image_format), Image.MIME[image_format])
            if image_format != "WEBP":
                storage.save(keys[f"w{width}_webp"], _encoded(copy, "WEBP"), "image/webp")


def render_job(_key: str, payload: dict[str, Any]) -> None:
    """The outbox job: idempotent, as the copies are made again from the original."""
    model = Product if payload["kind"] == "product" else ProductVariant
    owner = db.session.get(model, payload["id"])
    if owner is None or owner.image != payload["key"]:
        return
    render(payload["key"])
    with atomic():
        marked = db.session.execute(
            update(model)
            .where(model.id == owner.id, model.image == payload["key"])
            .values(image_renditions=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        if marked:
            product_changed(owner.id if model is Product else owner.product_id)
    if not marked:
        for stored in set(rendition_keys(payload["key"]).values()):
            get_storage().delete(stored)

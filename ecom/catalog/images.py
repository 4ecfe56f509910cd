"""Product and variant images: checked to be a real, small enough picture, stored under a
new name, its renditions made by a job after the commit; a replaced or removed image's
files are deleted."""

from io import BytesIO
from uuid import uuid4

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from PIL import Image
from werkzeug.datastructures import FileStorage

from ecom.catalog.errors import ImageTooLarge
from ecom.catalog.models import Product, ProductVariant
from ecom.catalog.renditions import delete_image, enqueue_render
from ecom.catalog.services import get_product
from ecom.catalog.summary import product_changed
from ecom.catalog.variants import variant_of
from ecom.common.errors import ValidationFailed
from ecom.common.storage import get_storage
from ecom.common.transactions import atomic

IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
INVALID_IMAGE = _l("Upload a valid JPEG, PNG or WebP image.")


def _refused(message: str) -> ValidationFailed:
    message = str(message)
    return ValidationFailed(message, errors={"image": [message]}, location="files")


def _read_image(file: FileStorage) -> tuple[bytes, str]:
    """The upload's bytes and Pillow format, once checked to be a real, small enough image."""
    limit = current_app.config["MAX_IMAGE_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLarge(
            gettext("The image is larger than %(limit)s bytes.", limit=limit),
            errors={"image": [gettext("At most %(limit)s bytes.", limit=limit)]},
        )
    try:
        with Image.open(BytesIO(data)) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _refused(INVALID_IMAGE) from exc
    if image_format not in IMAGE_FORMATS:
        raise _refused(INVALID_IMAGE)
    # A few kilobytes of PNG can declare an image that takes gigabytes to decode.
    max_pixels = current_app.config["MAX_IMAGE_PIXELS"]
    if width * height > max_pixels:
        raise _refused(gettext("At most %(limit)s pixels (width × height).", limit=max_pixels))
    return data, image_format


def _replace_image(owner: Product | ProductVariant, folder: str, file: FileStorage) -> None:
    """Store a new image for ``owner`` under a generated name; the previous one is deleted."""
    data, image_format = _read_image(file)
    key = f"{folder}/{uuid4().hex}{IMAGE_FORMATS[image_format]}"
    storage = get_storage()
    storage.save(key, data, Image.MIME[image_format])
    old_key = owner.image
    try:
        with atomic():
            owner.image = key
            owner.image_renditions = False
            product_changed(_product_id(owner))
            enqueue_render(owner, key)
    except Exception:
        storage.delete(key)
        raise
    if old_key:
        delete_image(old_key)


def _product_id(owner: Product | ProductVariant) -> int:
    return owner.id if isinstance(owner, Product) else owner.product_id


def _remove_image(owner: Product | ProductVariant) -> None:
    old_key = owner.image
    with atomic():
        owner.image = None
        owner.image_renditions = False
        product_changed(_product_id(owner))
    if old_key:
        delete_image(old_key)


def save_product_image(product_id: int, file: FileStorage) -> Product:
    product = get_product(product_id, include_inactive=True)
    _replace_image(product, f"products/{product.id}", file)
    return product


def delete_product_image(product_id: int) -> Product:
    product = get_product(product_id, include_inactive=True)
    _remove_image(product)
    return product


def _variant(product_id: int, variant_id: int) -> ProductVariant:
    return variant_of(get_product(product_id, include_inactive=True), variant_id)


def save_variant_image(product_id: int, variant_id: int, file: FileStorage) -> ProductVariant:
    variant = _variant(product_id, variant_id)
    _replace_image(variant, f"products/{product_id}/variants/{variant.id}", file)
    return variant


def delete_variant_image(product_id: int, variant_id: int) -> ProductVariant:
    variant = _variant(product_id, variant_id)
    _remove_image(variant)
    return variant

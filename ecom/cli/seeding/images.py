"""Pictures for the first seeded products, drawn locally: a coloured square with the
product's initials and title, stored where uploaded product images go, with their
renditions made as an upload's job makes them (the seed queues no job)."""

import zlib
from colorsys import hls_to_rgb
from io import BytesIO
from textwrap import wrap

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import bindparam, select, update

from ecom.catalog.models import Product
from ecom.catalog.renditions import render
from ecom.cli.seeding.rows import Seeder
from ecom.common.storage import get_storage
from ecom.extensions import db

SIDE = 480
INK = (255, 255, 255)


def _colour(title: str) -> tuple[int, int, int]:
    """A mid-tone colour of its own for each title (a checksum, so the rest of the seed's
    random draws stay the same with or without pictures)."""
    hue = zlib.crc32(title.encode()) % 360 / 360
    red, green, blue = hls_to_rgb(hue, 0.42, 0.55)
    return round(red * 255), round(green * 255), round(blue * 255)


def _initials(title: str) -> str:
    return "".join(word[0] for word in title.split()[:3] if word[0].isalnum()).upper()


def draw_picture(title: str) -> bytes:
    """A PNG of the product: its initials large, its title below."""
    image = Image.new("RGB", (SIDE, SIDE), _colour(title))
    draw = ImageDraw.Draw(image)
    draw.text(
        (SIDE / 2, SIDE * 0.4),
        _initials(title),
        fill=INK,
        font=ImageFont.load_default(size=SIDE // 4),
        anchor="mm",
    )
    draw.multiline_text(
        (SIDE / 2, SIDE * 0.78),
        "\n".join(wrap(title, 24)[:3]),
        fill=INK,
        font=ImageFont.load_default(size=SIDE // 16),
        anchor="mm",
        align="center",
    )
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_images(seeder: Seeder, count: int) -> int:
    """Give the first ``count`` products on sale a picture; returns how many got one.

    Keys follow uploads' ``products/<id>/<name>`` and are named after the product's slug,
    so the same seed always writes the same files."""
    ids = seeder.product_ids[:count]
    products = db.session.execute(
        select(Product.id, Product.title, Product.slug).where(Product.id.in_(ids))
    ).all()
    storage = get_storage()
    rows = []
    for product in sorted(products):
        key = f"products/{product.id}/{product.slug}.png"
        storage.save(key, draw_picture(product.title), "image/png")
        # Its renditions now, as the upload's job would make them: the seed writes no job.
        render(key)
        rows.append({"product_id": product.id, "key": key})
    if rows:
        table = Product.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("product_id"))
            # updated_at as seeded, not the clock, so the same seed gives the same rows.
            .values(image=bindparam("key"), image_renditions=True, updated_at=table.c.updated_at),
            rows,
        )
    return len(rows)

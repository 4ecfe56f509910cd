"""Image renditions: made by the outbox job after an upload, beside the original on disk or
S3, listed in the answers once made, deleted with the original."""

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from ecom.catalog.models import Product
from ecom.catalog.renditions import RENDER, rendition_names
from ecom.common import outbox
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from tests.factories import make_product, make_sized_product, run_seed
from tests.test_catalog_images import (  # noqa: F401  (fixtures)
    BUCKET,
    keys,
    s3,
    s3_endpoint,
    upload,
)

PRODUCTS = "/api/v1/products/"


def photo(image_format: str = "PNG", size: tuple[int, int] = (1200, 600)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture
def media_root(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path))
    return tmp_path


@pytest.fixture
def headers(staff, auth_headers) -> dict:
    return auth_headers(staff)


def run_render_jobs() -> int:
    """Deliver the waiting rendition jobs, as a worker would; how many."""
    waiting = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.handler == RENDER)
    ).all()
    for message_id in waiting:
        outbox.deliver(message_id)
    return len(waiting)


def sizes(root: Path, pattern: str) -> dict[str, tuple[int, str]]:
    """File name → (width, format) of the stored images matching ``pattern``."""
    found = {}
    for path in sorted(root.rglob(pattern)):
        with Image.open(path) as image:
            found[path.name] = (image.width, image.format)
    return found


@pytest.mark.usefixtures("queue_down")
def test_until_the_job_runs_an_answer_lists_only_the_original(client, headers, media_root):
    product = make_product()
    images = upload(client, headers, product.id, photo()).json["images"]
    assert images["original"].endswith(".png")
    assert {name: images[name] for name in rendition_names()} == dict.fromkeys(rendition_names())


@pytest.mark.usefixtures("queue_down")
def test_the_job_writes_each_width_in_the_original_format_and_webp(client, headers, media_root):
    product = make_product()
    original = upload(client, headers, product.id, photo()).json["images"]["original"]
    assert run_render_jobs() == 1
    stem = Path(original).stem
    assert sizes(media_root, f"{stem}.w*") == {
        f"{stem}.w320.png": (320, "PNG"),
        f"{stem}.w320.webp": (320, "WEBP"),
        f"{stem}.w640.png": (640, "PNG"),
        f"{stem}.w640.webp": (640, "WEBP"),
        f"{stem}.w1024.png": (1024, "PNG"),
        f"{stem}.w1024.webp": (1024, "WEBP"),
    }
    images = client.get(f"{PRODUCTS}{product.id}/").json["images"]
    assert images["w640_webp"].endswith(f"{stem}.w640.webp")
    assert client.get(images["w320"]).status_code == 200
    listed = client.get(f"{PRODUCTS}?fields=id,images").json["results"]
    assert listed == [{"id": product.id, "images": images}]


@pytest.mark.usefixtures("queue_down")
def test_a_small_original_is_never_enlarged(client, headers, media_root):
    product = make_product()
    upload(client, headers, product.id, photo("JPEG", (200, 100)))
    run_render_jobs()
    assert set(sizes(media_root, "*.w*").values()) == {(200, "JPEG"), (200, "WEBP")}


@pytest.mark.usefixtures("queue_down")
def test_a_replaced_image_takes_its_renditions_along(client, headers, media_root):
    product = make_product()
    upload(client, headers, product.id, photo())
    run_render_jobs()
    upload(client, headers, product.id, photo("WEBP"))
    assert list(media_root.rglob("*.png")) == []
    assert client.get(f"{PRODUCTS}{product.id}/").json["images"]["w320"] is None
    run_render_jobs()
    assert len(list(media_root.rglob("*.webp"))) == 4  # the original and one per width
    assert client.delete(f"{PRODUCTS}{product.id}/", headers=headers).status_code == 204
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


@pytest.mark.usefixtures("queue_down")
def test_a_job_for_an_image_replaced_meanwhile_leaves_nothing(client, headers, media_root):
    product = make_product()
    upload(client, headers, product.id, photo())
    first = db.session.scalars(select(OutboxMessage.id)).all()
    upload(client, headers, product.id, photo("JPEG"))
    for message_id in first:
        outbox.deliver(message_id)
    assert list(media_root.rglob("*.w*")) == []


@pytest.mark.usefixtures("queue_down")
def test_a_variant_image_gets_its_renditions(client, headers, media_root):
    product = make_sized_product("S", "M")
    variant = product.variants[1]
    url = f"{PRODUCTS}{product.id}/variants/{variant.id}/image/"
    data = {"image": (BytesIO(photo()), "v.png")}
    assert client.post(url, data=data, headers=headers).status_code == 200
    run_render_jobs()
    shown = client.get(f"{PRODUCTS}{product.id}/").json["variants"][1]["images"]
    assert shown["w1024"].endswith(".w1024.png")


@pytest.mark.usefixtures("queue_down")
def test_renditions_are_stored_beside_the_original_on_s3(client, headers, s3):  # noqa: F811
    product = make_product()
    upload(client, headers, product.id, photo())
    run_render_jobs()
    stored = keys(s3)
    assert len(stored) == 7
    webp = [key for key in stored if key.endswith(".w320.webp")]
    assert s3.head_object(Bucket=BUCKET, Key=webp[0])["ContentType"] == "image/webp"
    assert "X-Amz-Signature=" in client.get(f"{PRODUCTS}{product.id}/").json["images"]["w320"]
    assert client.delete(f"{PRODUCTS}{product.id}/", headers=headers).status_code == 204
    assert keys(s3) == []


def test_seeded_pictures_get_their_renditions(app, media_root, embedded_jobs):
    run_seed(
        app, "--products", "3", "--users", "1", "--orders", "0", "--reviews", "0", "--images", "1"
    )
    pictured = db.session.scalars(select(Product).where(Product.image.is_not(None))).all()
    assert [product.image_renditions for product in pictured] == [True]
    assert len(list(media_root.rglob("*.w*"))) == 6

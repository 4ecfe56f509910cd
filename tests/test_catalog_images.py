"""Product images: real JPEG/PNG/WebP only, bounded size, generated names, on disk or S3."""

import socket
import subprocess
import sys
import time
import urllib.request
from io import BytesIO
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from PIL import Image

from tests.factories import make_product, make_sized_product
from tests.workers import die_with_parent

BUCKET = "ecom-test-images"


def image_bytes(image_format: str = "PNG", colour: str = "red") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, image_format)
    return buffer.getvalue()


def upload(client, headers, product_id: int, data: bytes, filename: str = "photo.png"):
    return client.post(
        f"/api/v1/products/{product_id}/image/",
        data={"image": (BytesIO(data), filename)},
        headers=headers,
        content_type="multipart/form-data",
    )


def remove(client, headers, product_id: int):
    return client.delete(f"/api/v1/products/{product_id}/image/", headers=headers)


@pytest.fixture
def media_root(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path))
    return tmp_path


@pytest.fixture
def headers(staff, auth_headers) -> dict:
    return auth_headers(staff)


# --- validation (storage-independent) -------------------------------------------------


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted(client, headers, media_root, image_format):
    product = make_product()
    response = upload(client, headers, product.id, image_bytes(image_format), "x.bin")
    assert response.status_code == 200
    extension = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[image_format]
    assert response.json["image"].endswith(extension)


def test_a_text_file_named_png_is_refused(client, headers, media_root):
    product = make_product()
    response = upload(client, headers, product.id, b"just some text", "fake.png")
    assert response.status_code == 400
    assert "image" in response.json["errors"]["files"]
    assert list(media_root.rglob("*.*")) == []


def test_an_image_format_outside_the_list_is_refused(client, headers, media_root):
    product = make_product()
    assert upload(client, headers, product.id, image_bytes("GIF"), "a.gif").status_code == 400


def test_an_image_over_max_image_bytes_is_413_json(client, headers, media_root):
    product = make_product()
    response = upload(client, headers, product.id, b"\0" * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json["code"] == "file_too_large"
    assert client.get(f"/api/v1/products/{product.id}/").json["image"] is None


def test_an_image_declaring_more_than_max_image_pixels_is_refused(client, headers, media_root):
    buffer = BytesIO()
    Image.new("1", (7000, 7000)).save(buffer, "PNG", optimize=True)
    assert len(buffer.getvalue()) < 100_000
    product = make_product()
    response = upload(client, headers, product.id, buffer.getvalue())
    assert response.status_code == 400
    assert "pixels" in response.json["errors"]["files"]["image"][0]
    assert list(media_root.rglob("*.*")) == []


def test_a_missing_file_field_is_400(client, headers, media_root):
    product = make_product()
    response = client.post(
        f"/api/v1/products/{product.id}/image/",
        data={},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "image" in response.json["errors"]["files"]


def test_uploading_to_a_missing_product_is_404(client, headers, media_root):
    assert upload(client, headers, 999, image_bytes()).status_code == 404


# --- local disk -------------------------------------------------------------------------


def test_a_png_round_trips_through_local_disk_under_a_generated_name(client, headers, media_root):
    product = make_product()
    data = image_bytes()
    url = upload(client, headers, product.id, data, "../../etc/My Photo.png").json["image"]
    assert url.startswith("http://localhost/media/products/")
    assert "My" not in url and "etc" not in url
    served = client.get(url)
    assert served.status_code == 200 and served.data == data
    assert served.mimetype == "image/png"


@pytest.mark.usefixtures("queue_down")  # the original alone: no renditions yet
def test_replacing_and_deleting_a_local_image_deletes_the_old_file(client, headers, media_root):
    product = make_product()
    upload(client, headers, product.id, image_bytes(colour="red"))
    (first,) = media_root.rglob("*.png")
    second_url = upload(client, headers, product.id, image_bytes(colour="blue")).json["image"]
    assert not first.exists()
    assert [p.name for p in media_root.rglob("*.png")] == [second_url.rsplit("/", 1)[1]]

    response = remove(client, headers, product.id)
    assert response.status_code == 200 and response.json["image"] is None
    assert list(media_root.rglob("*.png")) == []
    assert client.get(second_url).status_code == 404


def test_deleting_a_product_deletes_its_image(client, headers, media_root):
    product = make_product()
    upload(client, headers, product.id, image_bytes())
    assert client.delete(f"/api/v1/products/{product.id}/", headers=headers).status_code == 204
    assert list(media_root.rglob("*.png")) == []


# --- S3 (a real S3-compatible server on loopback) ---------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("moto_server exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto_server did not start")


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's standalone S3 server on a free loopback port, for the whole session."""
    port = _free_port()
    server = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3(app, s3_endpoint, monkeypatch):
    """Images go to a fresh bucket on the S3 server; yields a client to inspect it."""
    settings = {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test-secret",
    }
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    client = boto3.client(
        "s3",
        region_name=app.config["S3_REGION"],
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(s3_client) -> list[str]:
    return [item["Key"] for item in s3_client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.mark.usefixtures("queue_down")  # the original alone: no renditions yet
def test_a_png_round_trips_through_s3_with_a_presigned_url(client, headers, s3):
    product = make_product()
    data = image_bytes()
    url = upload(client, headers, product.id, data, "holiday.png").json["image"]
    assert "X-Amz-Signature=" in url
    assert fetch(url) == data
    (key,) = keys(s3)
    assert key.startswith(f"products/{product.id}/") and "holiday" not in key
    assert s3.head_object(Bucket=BUCKET, Key=key)["ContentType"] == "image/png"


def test_s3_answers_public_urls_when_presigning_is_off(client, headers, s3, app, monkeypatch):
    monkeypatch.setitem(app.config, "S3_PRESIGNED_URLS", False)
    monkeypatch.setitem(app.config, "S3_OBJECT_ACL", "public-read")
    product = make_product()
    data = image_bytes("JPEG")
    url = upload(client, headers, product.id, data).json["image"]
    assert url == f"{app.config['S3_ENDPOINT_URL']}/{BUCKET}/{keys(s3)[0]}"
    assert fetch(url) == data


@pytest.mark.usefixtures("queue_down")  # the original alone: no renditions yet
def test_replacing_and_deleting_an_s3_image_deletes_the_old_object(client, headers, s3):
    product = make_product()
    upload(client, headers, product.id, image_bytes(colour="red"))
    (first,) = keys(s3)
    upload(client, headers, product.id, image_bytes(colour="blue"))
    (second,) = keys(s3)
    assert second != first
    with pytest.raises(ClientError):
        s3.head_object(Bucket=BUCKET, Key=first)
    assert remove(client, headers, product.id).json["image"] is None
    assert keys(s3) == []


def test_media_is_not_served_locally_when_images_live_in_s3(client, s3):
    assert client.get("/media/products/1/anything.png").status_code == 404


# --- variant images ------------------------------------------------------------------


def variant_image_url(product, variant) -> str:
    return f"/api/v1/products/{product.id}/variants/{variant.id}/image/"


def test_a_variant_has_its_own_image_replaced_and_removed_with_its_file(
    client, headers, media_root
):
    product = make_sized_product()
    small, large = product.variants[0], product.variants[1]
    url = variant_image_url(product, small)

    first = client.post(
        url,
        data={"image": (BytesIO(image_bytes()), "s.png")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert first.status_code == 200 and first.json["id"] == small.id
    first_file = media_root / first.json["image"].split("/media/", 1)[1]
    assert first_file.is_file()
    detail = client.get(f"/api/v1/products/{product.id}/").json
    shown = {v["id"]: v["image"] for v in detail["variants"]}
    assert shown[small.id] == first.json["image"] and shown[large.id] is None

    second = client.post(
        url,
        data={"image": (BytesIO(image_bytes("JPEG")), "s.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert second.status_code == 200 and not first_file.exists()
    second_file = media_root / second.json["image"].split("/media/", 1)[1]

    removed = client.delete(url, headers=headers)
    assert removed.status_code == 200 and removed.json["image"] is None
    assert not second_file.exists()


def test_deleting_a_variant_or_its_product_deletes_their_image_files(client, headers, media_root):
    product = make_sized_product()
    files = []
    for variant in product.variants[:2]:
        response = client.post(
            variant_image_url(product, variant),
            data={"image": (BytesIO(image_bytes()), "v.png")},
            headers=headers,
            content_type="multipart/form-data",
        )
        files.append(media_root / response.json["image"].split("/media/", 1)[1])
    assert all(path.is_file() for path in files)

    variant_url = f"/api/v1/products/{product.id}/variants/{product.variants[0].id}/"
    assert client.delete(variant_url, headers=headers).status_code == 204
    assert not files[0].exists() and files[1].is_file()
    assert client.delete(f"/api/v1/products/{product.id}/", headers=headers).status_code == 204
    assert not files[1].exists()


def test_a_variant_of_another_product_has_no_image_route(client, headers, media_root):
    product, other = make_sized_product(), make_product()
    response = client.post(
        variant_image_url(other, product.variants[0]),
        data={"image": (BytesIO(image_bytes()), "v.png")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 404

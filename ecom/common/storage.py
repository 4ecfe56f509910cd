"""File storage behind one small interface: local disk (served at /media/) or S3.

``S3_BUCKET`` picks S3 (``S3_ENDPOINT_URL`` for S3-compatible services); otherwise files
live under ``MEDIA_ROOT``. Callers store keys such as ``products/7/3f2a….png`` and ask
``image_url(key)`` for the URL a client can fetch. Keys under ``PRIVATE_PREFIX`` (issued
documents) are never public: not served at /media/, stored without the public ACL. Files
the app reads back (issued documents, bulk import uploads, exports) are read with
``read(key)`` and never given a public URL.
"""

import os
import posixpath
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import boto3
from botocore.config import Config as BotoConfig
from flask import Flask, Response, current_app, has_request_context, request, send_from_directory
from werkzeug.exceptions import NotFound

PRIVATE_PREFIX = "private/"


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def read(self, key: str) -> bytes: ...

    def url(self, key: str) -> str: ...


class LocalStorage:
    """Files under ``root``, served by the app at ``base_url``."""

    def __init__(self, root: str, base_url: str) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/") + "/"

    def path(self, key: str) -> Path:
        return self.root / key

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        url = self.base_url + quote(key)
        if url.startswith("/") and has_request_context():
            return request.host_url.rstrip("/") + url
        return url


class S3Storage:
    """Objects in an S3 bucket; URLs are presigned GETs or public object URLs."""

    def __init__(self, config: dict) -> None:
        self.bucket = config["S3_BUCKET"]
        self.presigned = config["S3_PRESIGNED_URLS"]
        self.expires = config["S3_URL_EXPIRES"]
        self.extra_args = {"ACL": config["S3_OBJECT_ACL"]} if config["S3_OBJECT_ACL"] else {}
        self.client = boto3.client(
            "s3",
            region_name=config["S3_REGION"],
            endpoint_url=config["S3_ENDPOINT_URL"],
            aws_access_key_id=config["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"],
            config=BotoConfig(signature_version="s3v4", s3={"addressing_style": "path"}),
        )
        endpoint = config["S3_ENDPOINT_URL"] or f"https://s3.{config['S3_REGION']}.amazonaws.com"
        self.public_base = config["S3_PUBLIC_URL"] or f"{endpoint.rstrip('/')}/{self.bucket}"

    def save(self, key: str, data: bytes, content_type: str) -> None:
        extra_args = {} if key.startswith(PRIVATE_PREFIX) else self.extra_args
        self.client.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, **extra_args
        )

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def url(self, key: str) -> str:
        if self.presigned:
            return self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.expires
            )
        return f"{self.public_base.rstrip('/')}/{quote(key)}"


S3_SETTINGS = (
    "S3_BUCKET",
    "S3_REGION",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PRESIGNED_URLS",
    "S3_URL_EXPIRES",
    "S3_PUBLIC_URL",
    "S3_OBJECT_ACL",
)


def media_root(app: Flask) -> str:
    return app.config["MEDIA_ROOT"] or os.path.join(app.instance_path, "media")


def _build_storage(app: Flask) -> Storage:
    if app.config["S3_BUCKET"]:
        return S3Storage({name: app.config[name] for name in S3_SETTINGS})
    return LocalStorage(media_root(app), app.config["MEDIA_URL"])


def get_storage() -> Storage:
    """The current app's storage, built once per configuration (boto3 clients are costly)."""
    app = current_app._get_current_object()
    settings = tuple(app.config[name] for name in (*S3_SETTINGS, "MEDIA_ROOT", "MEDIA_URL"))
    cached = app.extensions.get("storage")
    if cached is None or cached[0] != settings:
        cached = (settings, _build_storage(app))
        app.extensions["storage"] = cached
    return cached[1]


def image_url(key: str | None) -> str | None:
    """The public URL of a stored image, or None when there is none."""
    return get_storage().url(key) if key else None


def serve_media(filename: str) -> Response:
    """Local files under MEDIA_ROOT (only when images are stored locally)."""
    private = posixpath.normpath(filename).lstrip("/").startswith(PRIVATE_PREFIX)
    if current_app.config["S3_BUCKET"] or private:
        raise NotFound()
    return send_from_directory(media_root(current_app), filename)


def register_media_route(app: Flask) -> None:
    app.add_url_rule("/media/<path:filename>", "media", serve_media)

"""Product images and bulk files: on local disk, or on S3 when ``S3_BUCKET`` is set."""

from config.fields import Group, setting


class StorageSettings(Group):
    """Uploaded product images and the URLs they are served at."""

    title = "Storage"

    MAX_IMAGE_BYTES: int = setting(
        5 * 1024 * 1024, "largest product image accepted; larger → 413", shown="`5242880` (5 MB)"
    )
    MAX_IMAGE_PIXELS: int = setting(
        40_000_000, "most pixels (width × height) a product image may declare; more → 400"
    )
    IMPORT_MAX_BYTES: int = setting(
        50 * 1024 * 1024,
        "largest bulk import file accepted; larger → 413, refused before it is read",
        shown="`52428800` (50 MB)",
    )
    IMPORT_BATCH_ROWS: int = setting(
        500, "rows a bulk import writes per transaction (its progress steps)"
    )
    MEDIA_ROOT: str | None = setting(
        None, "directory of locally stored images", shown="`instance/media`"
    )
    MEDIA_URL: str = setting(
        "/media/", "base of local image URLs (absolute when relative: the request's host)"
    )
    S3_BUCKET: str | None = setting(None, "store images in this S3 bucket instead of `MEDIA_ROOT`")
    S3_REGION: str = setting("us-east-1", "bucket region")
    S3_ENDPOINT_URL: str | None = setting(
        None, "endpoint of an S3-compatible service (MinIO, Ceph, ...)"
    )
    S3_ACCESS_KEY_ID: str | None = setting(
        None, "credentials; unset = boto3's usual chain (environment, instance role)"
    )
    S3_SECRET_ACCESS_KEY: str | None = setting(None, "the secret of `S3_ACCESS_KEY_ID`")
    S3_PRESIGNED_URLS: bool = setting(True, "presigned GET URLs; `false` = public object URLs")
    S3_URL_EXPIRES: int = setting(3600, "lifetime of presigned URLs, in seconds")
    S3_PUBLIC_URL: str | None = setting(
        None, "base of public URLs (e.g. a CDN)", shown="`<endpoint>/<bucket>`"
    )
    S3_OBJECT_ACL: str | None = setting(
        None,
        "ACL given to uploaded objects, e.g. `public-read` for public URLs on a bucket that "
        "still uses ACLs",
    )

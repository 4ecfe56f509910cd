"""How many bytes a mobile client downloads: answer sizes before and after compression and
sparse fieldsets, on a small seeded shop.

``.venv/bin/python bench/answer_sizes.py [--products 200]``
migrates and seeds a throwaway SQLite shop (the embedded default: its pictures' renditions
are made by the job as the seed commits), then asks the app itself, in process, for a
list of 20 products, a product's detail and the category tree: plain, and compressed as
the app sends them with ``COMPRESS_RESPONSES`` (gzip level 6, brotli quality 4, zstd
level 3: flask-compress's defaults) for a client that accepts each. Nginx's own gzip
(``gzip_comp_level 5``, ``gzip_min_length 1024`` in the shipped site) is shown as
Python's zlib at level 5, the same deflate. "Without `images`" is the list as it was before
renditions were listed (every other field, through ``fields=``). Prints a Markdown table
and writes it to ``bench/results/<date>-mobile-sizes.md``.
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

API = "/api/v1"
ENCODINGS = ("gzip", "br", "zstd")
SPARSE = "id,title,price,image"
NGINX_MIN_LENGTH = 1024  # the shipped site's gzip_min_length


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'shop.db'}",
        "MEDIA_ROOT": str(folder / "media"),
        "CACHE_DIR": str(folder / "cache"),
        "FLASK_APP": "wsgi:app",
    }


def _prepare(env: dict[str, str], products: int) -> None:
    flask = str(Path(sys.executable).with_name("flask"))
    seed = ["seed", "--products", str(products), "--images", "20", "--users", "5"]
    seed += ["--orders", "0", "--reviews", str(products)]
    for args in (["db", "upgrade"], seed):
        subprocess.run([flask, *args], env=env, cwd=ROOT, check=True, capture_output=True)


def _targets(client: object) -> dict[str, str]:
    listed = client.get(f"{API}/products/?page_size=20").json["results"]
    before = ",".join(name for name in listed[0] if name != "images")
    pictured = next(product for product in listed if product["image"])
    detail = f"{API}/products/{pictured['id']}/"
    return {
        "list of 20": f"{API}/products/?page_size=20",
        "list of 20 without `images` (as before renditions)": (
            f"{API}/products/?page_size=20&fields={before}"
        ),
        f"list of 20, fields={SPARSE}": f"{API}/products/?page_size=20&fields={SPARSE}",
        "detail": detail,
        f"detail, fields={SPARSE}": f"{detail}?fields={SPARSE}",
        "category tree": f"{API}/categories/tree/",
    }


def measure(products: int) -> list[tuple[str, int, int, dict[str, int]]]:
    """(answer, plain bytes, Nginx gzip bytes, bytes per encoding the app sends)."""
    with tempfile.TemporaryDirectory(prefix="ecom-sizes-") as folder:
        env = _env(Path(folder))
        _prepare(env, products)
        os.environ.update(env)
        from ecom import create_app

        client = create_app().test_client()
        rows = []
        for name, url in _targets(client).items():
            plain = client.get(url).data
            sent = {}
            for encoding in ENCODINGS:
                # Below COMPRESS_MIN_SIZE (500 bytes) an answer is sent as it is.
                answer = client.get(url, headers={"Accept-Encoding": encoding})
                sent[encoding] = len(answer.data)
            nginx = len(plain) if len(plain) < NGINX_MIN_LENGTH else len(gzip.compress(plain, 5))
            rows.append((name, len(plain), nginx, sent))
        return rows


def table(rows: list[tuple[str, int, int, dict[str, int]]]) -> str:
    full = rows[0][1]
    lines = [
        "| answer | plain | Nginx gzip 5 | app gzip | app brotli | app zstd | smallest / "
        "plain | smallest / plain list |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, plain, nginx, sent in rows:
        smallest = min(sent.values())
        lines.append(
            f"| {name} | {plain:,} | {nginx:,} | {sent['gzip']:,} | {sent['br']:,} | "
            f"{sent['zstd']:,} | {smallest / plain:.1%} | {smallest / full:.1%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    args = parser.parse_args()
    result = (
        f"# Answer sizes for mobile clients ({date.today()}, in process, SQLite, "
        f"{args.products} products seeded)\n\nBytes on the wire; `bench/answer_sizes.py`.\n\n"
        + table(measure(args.products))
        + "\n"
    )
    sys.stdout.write(result)
    (ROOT / "bench" / "results" / f"{date.today()}-mobile-sizes.md").write_text(result)


if __name__ == "__main__":
    main()

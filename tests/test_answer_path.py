"""The cheaper answer path gives the answers of the stock one: for every URL the bench
reads, on a seeded shop, the body written by orjson through ResponseSchema's dump parses
to the same JSON, with keys in the same order, as Flask's own provider and marshmallow's
own ``Schema._serialize`` write; the bytes differ only where text leaves ASCII (UTF-8
instead of ``\\u`` escapes)."""

import json

import marshmallow as ma
import pytest
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import select

from bench.dataset import Fixtures, _filters
from bench.scenarios import browse, read_scenarios
from ecom.catalog.models import Category, Product
from ecom.common.cache import invalidate
from ecom.common.cache_families import EVERY_FAMILY
from ecom.common.json_answers import AnswerJSONProvider
from ecom.common.schemas import ResponseSchema
from ecom.extensions import db
from tests.factories import run_seed

SHOP = ("--products", "120", "--users", "5", "--orders", "10", "--reviews", "40")
SHOP += ("--images", "0", "--seed", "1", "--reset")
SPARSE = ("?fields=id,title,price", "?fields=variants,options,title")


def _fixtures() -> Fixtures:
    """The bench's fixtures, drawn from the seeded rows in the same way where the SQL
    is portable (words by counting titles here rather than with ``ts_stat``)."""
    products = db.session.scalars(
        select(Product).where(Product.is_active).order_by(Product.id)
    ).all()
    ids = [product.id for product in products]
    counts: dict[str, int] = {}
    for product in products:
        for word in {w.lower() for w in product.title.split() if len(w) > 3 and w.isalpha()}:
            counts[word] = counts.get(word, 0) + 1
    leaves = db.session.scalars(select(Category.slug).order_by(Category.id)).all()
    return Fixtures(
        hot_products=ids[:20],
        hot_variants=[],
        filters={scope: _filters(ids, scope) for scope in ("leaf", "department", "none")},
        common_word=max(counts, key=lambda word: (counts[word], word)),
        rare_word=min(counts, key=lambda word: (counts[word], word)),
        cursors=["", str(ids[len(ids) // 2])],
        browse=[
            {"category": slug, "ordering": ordering, "page": "1"}
            for slug in leaves[:6]
            for ordering in ("price", "-price", "-created_at", "title", "-average_rating")
        ],
        checkout_buyers=[],
        cart_buyers=[],
        login_emails=[],
        probe_buyer=None,
    )


def _bench_paths() -> list[str]:
    fixtures = _fixtures()
    paths = [spec.path for scenario in read_scenarios(fixtures) for spec in scenario.specs()]
    paths += [spec.path for spec in browse(fixtures)]
    detail = f"/api/v1/products/{fixtures.hot_products[0]}/"
    paths += [detail + sparse for sparse in SPARSE]
    paths += ["/api/v1/products/?fields=id,title,price", "/api/v1/categories/"]
    return [path.replace("page=200", "page=2") for path in paths]


def _answers(app, client, paths: list[str]) -> list[tuple[int, bytes]]:
    answers = []
    for path in paths:
        invalidate(*EVERY_FAMILY)
        response = client.get(path)
        answers.append((response.status_code, response.get_data()))
    return answers


@pytest.mark.committed
def test_every_bench_url_answers_as_the_stock_provider_and_dump_answer(app, client, monkeypatch):
    run_seed(app, *SHOP)
    paths = _bench_paths()
    assert isinstance(app.json, AnswerJSONProvider)

    fast = _answers(app, client, paths)
    monkeypatch.setattr(app, "json", DefaultJSONProvider(app))
    monkeypatch.setattr(ResponseSchema, "_serialize", ma.Schema._serialize)
    stock = _answers(app, client, paths)

    assert len(paths) > 60
    for path, (fast_status, fast_body), (stock_status, stock_body) in zip(
        paths, fast, stock, strict=True
    ):
        assert fast_status == stock_status == 200, path
        assert fast_body == _unescaped(stock_body), path


def _unescaped(body: bytes) -> bytes:
    """The stock body with text outside ASCII as UTF-8, as orjson writes it."""
    document = json.loads(body)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode()


def test_text_outside_ascii_is_utf8_and_parses_to_the_same_answer(app, client):
    with app.test_request_context():
        answer = app.json.response({"title": "Crème brûlée ☕", "b": [1, 2.5, None]})
        stock = DefaultJSONProvider(app).response({"title": "Crème brûlée ☕", "b": [1, 2.5, None]})

    assert answer.get_data() == '{"b":[1,2.5,null],"title":"Crème brûlée ☕"}\n'.encode()
    assert json.loads(answer.get_data()) == json.loads(stock.get_data())


def test_values_orjson_refuses_are_written_by_the_stock_provider(app):
    huge = 2**70
    with app.test_request_context():
        answer = app.json.response({"n": huge})

    assert answer.get_data() == b'{"n":1180591620717411303424}\n'

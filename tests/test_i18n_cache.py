"""Cached answers kept per language: an answer cached for one language is never served to
a request in another, whether Flask answers, the hit layer before Flask, or this
process's copy of a Redis entry (``ecom.common.cache``, ``cache_hits``, ``cache_local``)."""

import pytest
from flask_babel import refresh

from ecom.common.cache import generation_key
from ecom.common.cache_families import PRODUCTS
from tests.test_cache_local import commands_during

URL = "/probe/language/"
FRENCH = {"Accept-Language": "de;q=1, fr;q=0.8, en;q=0.2"}
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def limits_off(app, monkeypatch):
    """Hits skip Flask only while the app's rate limits are off (every read counts else)."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)


def said(response) -> tuple[str, str, str]:
    return response.json["language"], response.json["message"], response.headers["Content-Language"]


def test_an_answer_cached_in_english_is_not_served_to_a_french_request(client, flask_calls):
    client.get(URL, headers=ENGLISH)
    english = client.get(URL, headers=ENGLISH)
    french = client.get(URL, headers=FRENCH)

    assert said(english) == ("en", "Not found.", "en")
    assert said(french) == ("fr", "Introuvable.", "fr")
    assert english.headers["ETag"] != french.headers["ETag"]


@pytest.mark.usefixtures("limits_off", "redis_alive")
def test_hits_before_flask_are_kept_per_language(client, flask_calls):
    client.get(URL)
    client.get(URL, headers=FRENCH)
    client.get(URL, query_string={"lang": "fr"}, headers=ENGLISH)
    assert len(flask_calls) == 3  # The first read of each.

    english = client.get(URL, headers=ENGLISH)
    french = client.get(URL, headers=FRENCH)
    by_lang = client.get(URL, query_string={"lang": "fr"}, headers=ENGLISH)

    assert len(flask_calls) == 3
    assert said(english) == ("en", "Not found.", "en")
    assert said(french) == said(by_lang) == ("fr", "Introuvable.", "fr")
    assert "Accept-Language" in french.headers["Vary"]


@pytest.mark.usefixtures("limits_off", "redis_alive")
def test_a_hit_answers_as_flask_does_in_each_language(app, client, flask_calls):
    client.get(URL, headers=FRENCH)
    hit = client.get(URL, headers=FRENCH)
    app.config["RATELIMIT_ENABLED"] = True
    through_flask = client.get(URL, headers=FRENCH)

    assert len(flask_calls) == 2
    for name in ("Content-Language", "Vary", "ETag", "Cache-Control"):
        assert hit.headers[name] == through_flask.headers[name], name


@pytest.mark.usefixtures("limits_off", "redis_alive")
def test_a_language_the_shop_does_not_speak_goes_to_flask_and_is_refused(client, flask_calls):
    client.get("/api/v1/products/", query_string={"lang": "de"})
    response = client.get("/api/v1/products/", query_string={"lang": "de"})

    assert response.status_code == 400 and response.json["code"] == "unknown_language"
    assert len(flask_calls) == 2


def served_from_a_copy(client, redis_client, headers: dict):
    """A read of ``URL`` that sent Redis no command (this process's copy), or None. Tried
    three times: a flush by any client of the Redis server makes every process forget."""
    answers = []

    def read():
        answers.append(client.get(URL, headers=headers))

    for _ in range(3):
        read()
        read()
        if not commands_during(redis_client, read):
            return answers[-1]
    return None


@pytest.mark.usefixtures("limits_off")
def test_this_process_copies_are_kept_per_language(client, redis_client):
    english = served_from_a_copy(client, redis_client, ENGLISH)
    french = served_from_a_copy(client, redis_client, FRENCH)
    english_again = served_from_a_copy(client, redis_client, ENGLISH)

    assert said(english) == said(english_again) == ("en", "Not found.", "en")
    assert said(french) == ("fr", "Introuvable.", "fr")


def keys_in(app, headers: dict) -> tuple[str | None, str | None]:
    """(localized, shared) keys of a derived value, for a request with ``headers``."""
    with app.test_request_context(headers=headers):
        refresh()  # The test's app context outlives a request: negotiate as one would.
        return generation_key("k", PRODUCTS, localized=True), generation_key("k", PRODUCTS)


def test_a_localized_derived_value_is_kept_per_language(app):
    (english, shared), (french, shared_too) = keys_in(app, ENGLISH), keys_in(app, FRENCH)

    if shared is None:  # The cache is down in this pass.
        return
    assert english != french and shared == shared_too
    assert english.startswith("k:en:") and french.startswith("k:fr:")

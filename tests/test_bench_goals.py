"""The bench's goal table, read from canned rows (no server, no timing)."""

from bench import goals
from bench.load import Result
from bench.report import Row

HELLO = 8000.0


def row(scenario: str, cache: str, connections: int, rps: float, p50: float = 10.0, errors=0):
    result = Result(
        requests=int(rps * 10),
        seconds=10.0,
        p50_ms=p50,
        p95_ms=p50 * 2,
        p99_ms=p50 * 3,
        status_errors=errors,
        socket_errors=0,
    )
    return Row(scenario, cache, connections, result, 2, HELLO)


def verdicts(lines: list[goals.Line]) -> dict[str, str]:
    return {line.scenario: line.verdict for line in lines}


def test_scale_compares_p50_at_1m_with_10k_at_the_lowest_concurrency_of_each():
    by_size = {
        "10k": [
            row("product list", "off", 16, 500, p50=20),
            row("product list", "off", 50, 500, p50=90),
            row("rare search by price", "off", 16, 400, p50=20),
        ],
        "1m": [
            row("product list", "off", 16, 480, p50=30),
            row("product list", "off", 50, 300, p50=500),
            row("rare search by price", "off", 16, 100, p50=31),
        ],
    }

    lines = goals.scale(by_size)

    assert verdicts(lines) == {
        "product list": "met",
        "rare search by price": "**not met**",
    }
    assert lines[0].measured.startswith("1.50 (20.0 → 30.0 ms, 16 conn.)")


def test_scale_says_which_sizes_it_needs_when_the_run_has_one():
    lines = goals.scale({"100k": [row("product list", "off", 16, 500)]})

    assert [(line.measured, line.verdict) for line in lines] == [
        ("not in this run", "needs 10k and 1m")
    ]


def test_a_scenario_missing_at_1m_is_named_not_passed():
    by_size = {"10k": [row("deep page", "off", 16, 300)], "1m": []}

    assert verdicts(goals.scale(by_size)) == {"deep page": "needs 10k and 1m"}


def test_throughput_against_the_old_shop_and_hello_must_hold_at_every_concurrency():
    rows = [
        # 0.1 of hello: 11.4 times the old shop's 0.0088, and under 0.15 of hello.
        row("product list", "off", 16, 0.1 * HELLO),
        row("product list", "off", 50, 0.1 * HELLO),
        # 0.2 of hello at 16, 0.3 at 50: above 0.160 (5 × 0.032) at both, 0.25 at one.
        row("product detail", "off", 16, 0.2 * HELLO),
        row("product detail", "off", 50, 0.3 * HELLO),
        # Searches need 50 times: 0.075 for the common word.
        row("common search", "off", 16, 0.076 * HELLO),
        row("common search", "on", 16, 0.9 * HELLO),
    ]

    lines = goals.throughput({"100k": rows})
    old_shop = {line.scenario: line.verdict for line in lines if "old shop" in line.target}
    of_hello = {line.scenario: line.verdict for line in lines if "old shop" not in line.target}

    assert old_shop["product list"] == "met"
    assert old_shop["product detail"] == "met"
    assert old_shop["common search"] == "met"
    assert old_shop["rare search"] == "not measured"
    assert of_hello["product list"] == "**not met**"
    assert of_hello["product detail"] == "**not met**"
    assert next(line for line in lines if line.scenario == "product detail").measured == (
        "0.200 / 0.300 of hello (16/50 conn.)"
    )


def test_throughput_needs_100k():
    lines = goals.throughput({"10k": [row("product list", "off", 16, 4000)]})

    assert [line.verdict for line in lines] == ["needs 100k"]


def test_what_holds_cached_list_reads_with_checkouts_and_checkout():
    rows = [
        row("product list", "on", 16, 0.85 * HELLO),
        row("product list", "on", 50, 0.79 * HELLO),
        row("mixed reads", "on", 16, 5000),
        row("mixed reads + 20 checkouts/s", "on", 16, 4100),
        row("checkout", "on", 16, 150),
        row("checkout", "on", 50, 210),
    ]

    lines = goals.holding({"100k": rows}, oversold={"100k": 0})

    assert verdicts(lines) == {
        "cached list, 100k": "**not met**",
        "reads with checkouts, 100k": "met",
        "checkout (shipping, tax, voucher), 100k": "met",
    }


def test_checkout_is_not_met_with_an_error_or_a_variant_oversold():
    rows = [row("checkout", "on", 50, 300, errors=1)]
    oversold_rows = [row("checkout", "on", 50, 300)]

    errors = goals.holding({"1m": rows}, oversold={"1m": 0})
    oversold = goals.holding({"1m": oversold_rows}, oversold={"1m": 2})

    assert errors[-1].verdict == oversold[-1].verdict == "**not met**"
    assert oversold[-1].measured == "300 orders/s, 0 errors, 2 oversold"


def test_reads_with_checkouts_count_at_100k_and_1m_only():
    rows = [
        row("mixed reads", "on", 16, 5000),
        row("mixed reads + 20 checkouts/s", "on", 16, 1000),
    ]

    lines = goals.holding({"10k": rows}, oversold={})

    assert verdicts(lines) == {"reads with checkouts": "needs 100k or 1m"}


def test_the_table_has_a_line_per_goal_line():
    lines = goals.evaluate({"10k": [row("product list", "off", 16, 500)]}, oversold={})

    text = goals.table(lines)

    assert text.splitlines()[0] == "| goal | scenario | measured | target |  |"
    assert len(text.splitlines()) == 2 + len(lines)

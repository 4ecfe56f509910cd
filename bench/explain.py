"""EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of each read scenario, uncached:
``python bench/explain.py --size 1m --label after`` writes results/<date>-<size>-explain-<label>.md
and the scenarios' URLs (``--urls`` reads them back, so two versions explain the same URLs).
``--orderings`` explains each catalogue search and filter scenario (filtered leaf,
department, no category; rare and common search) in every documented ordering as well,
with a summary table of milliseconds and shared buffers per URL."""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bench import dataset, run  # noqa: E402
from config import ProductionConfig  # noqa: E402
from ecom import create_app  # noqa: E402
from ecom.extensions import db  # noqa: E402

RESULTS = Path(__file__).with_name("results")
CATALOGUE = (
    "filtered leaf",
    "filtered department",
    "filtered no category",
    "rare search",
    "common search",
)


def in_every_ordering(urls: dict[str, str]) -> dict[str, str]:
    """Each catalogue scenario's URL without an ordering, then in each documented one."""
    from ecom.catalog.listing import ORDERING

    orderings = [""] + [sign + field for field in ORDERING.choices for sign in ("", "-")]
    ordered = {}
    for name in CATALOGUE:
        path, _, query = urls[name].partition("?")
        kept = [part for part in query.split("&") if not part.startswith("ordering=")]
        for ordering in orderings:
            parts = kept + ([f"ordering={ordering}"] if ordering else [])
            ordered[f"{name}, {ordering or 'default'}"] = f"{path}?{'&'.join(parts)}"
    return ordered


def scenario_urls(app) -> dict[str, str]:  # noqa: ANN001  (a Flask app)
    """The first URL of each read scenario, drawn from the seeded rows."""
    from bench.scenarios import read_scenarios

    fixtures = dataset.prepare(app)
    return {s.name: s.specs()[0].path for s in read_scenarios(fixtures)}


def statements_of(app, url: str) -> list[tuple[str, dict]] | int:  # noqa: ANN001
    """The request's statements with their parameters, or its status if not 200."""
    seen = []

    def record(_conn, _cursor, statement, parameters, *_args) -> None:  # noqa: ANN001
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = app.test_client().get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen if response.status_code == 200 else response.status_code


def slowest_plan(app, url: str) -> tuple[float, str, int]:  # noqa: ANN001
    """(milliseconds, plan text, statements) of the request's slowest statement."""
    statements = statements_of(app, url)
    if isinstance(statements, int):
        return 0.0, f"(answered {statements})", 0
    plans = []
    with app.app_context():
        connection = db.session.connection()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters
            ).all()
            plan = "\n".join(row[0] for row in rows)
            total = float(plan.rsplit("Execution Time: ", 1)[1].split(" ms")[0])
            plans.append((total, plan))
        db.session.rollback()
    total, plan = max(plans)
    return total, plan, len(statements)


def _buffers(plan: str) -> int:
    """Shared buffers the plan's top node touched (hit and read)."""
    for line in plan.splitlines():
        if "Buffers: shared" in line:
            shared = line.split("Buffers: shared", 1)[1].split(",")[0]
            counts = shared.split()
            return sum(int(part.split("=")[1]) for part in counts if part[:4] in ("hit=", "read"))
    return 0


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="1m")
    parser.add_argument("--label", required=True)
    parser.add_argument("--urls", help="a JSON file of {scenario: URL} to explain")
    parser.add_argument(
        "--orderings", action="store_true", help="the catalogue scenarios in every ordering"
    )
    parser.add_argument("--search-index", help="SEARCH_INDEX for the shop (default: auto)")
    options = parser.parse_args(argv)
    env = run.server_env(options.size, cache=False, workers=1)
    if options.search_index:
        env["SEARCH_INDEX"] = options.search_index
    app = create_app(ProductionConfig(env))
    stem = f"{datetime.now(UTC):%Y-%m-%d}-{options.size}-explain"
    if options.urls:
        urls = json.loads(Path(options.urls).read_text())
    else:
        urls = scenario_urls(app)
        (RESULTS / f"{stem}-urls.json").write_text(json.dumps(urls, indent=1) + "\n")
    lines = [
        f"# EXPLAIN at {options.size}, {options.label} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        "The slowest statement of one uncached request per scenario (`EXPLAIN (ANALYZE, "
        "BUFFERS)`, run right after the request, so its pages are warm).",
        "",
    ]
    if options.orderings:
        urls = {**urls, **in_every_ordering(urls)}
    summary = ["| scenario | ms | shared buffers (hit + read) | statements |", "|---|---|---|---|"]
    sections = []
    for name, url in urls.items():
        total, plan, count = slowest_plan(app, url)
        print(f"{name}: {total:.1f} ms ({count} statements)", flush=True)
        summary.append(f"| {name} | {total:.1f} | {_buffers(plan)} | {count} |")
        sections += [f"## {name}: {total:.1f} ms", "", f"`GET {url}`, {count} statements", ""]
        sections += ["```", plan, "```", ""]
    lines += [*summary, "", *sections]
    out = RESULTS / f"{stem}-{options.label}.md"
    out.write_text("\n".join(lines))
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])

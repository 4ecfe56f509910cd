"""The layer contracts of `make lint` (import-linter) refuse an import that points up."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, check=False
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ecom", tmp_path / "ecom", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(module: Path, line: str) -> None:
    module.write_text(f"{line}  # noqa: F401\n{module.read_text()}")


def test_the_package_keeps_its_layers(tmp_path):
    result = lint_imports(copy_of_the_package(tmp_path))
    assert result.returncode == 0, result.stdout


def test_a_catalog_module_importing_orders_breaks_the_layers(tmp_path):
    tree = copy_of_the_package(tmp_path)
    add_import(tree / "ecom/catalog/services.py", "import ecom.orders.models")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "Imports point down the layers BROKEN" in result.stdout
    assert "ecom.catalog.services -> ecom.orders.models" in result.stdout


def test_common_importing_a_domain_breaks_its_contract(tmp_path):
    tree = copy_of_the_package(tmp_path)
    add_import(tree / "ecom/common/money.py", "import ecom.accounts.models")

    result = lint_imports(tree)

    assert "common imports no domain BROKEN" in result.stdout

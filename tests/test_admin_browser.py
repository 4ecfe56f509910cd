"""Acceptance: the back office driven by headless Chromium against a real threaded server.

Staff log in, read the dashboard, edit a stock from the product list and ship a paid order,
and the JSON API shows both changes; a customer gets 403 and a form without its CSRF token
is refused. Screenshots land in tests/artifacts/.
"""

import json
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from ecom.admin import dashboard
from ecom.catalog import options, variants
from ecom.catalog.models import Product, ProductVariant
from ecom.extensions import db
from ecom.orders.models import Order
from tests.background import wait_for
from tests.factories import PASSWORD, make_order, make_product, run_seed
from tests.workers import SERVER_STACKS

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
)
WAIT_SECONDS = 15

pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them).",
    ),
    SERVER_STACKS,
]


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium, live_url):
    """The shared browser, signed out, with ``open(path)`` and ``wait`` helpers."""
    chromium.delete_all_cookies()
    chromium.get_log("browser")  # what earlier tests left in the console
    db.session.commit()  # the server's threads must not wait on this test's transaction
    return Browser(chromium, live_url)


class Browser:
    def __init__(self, driver: webdriver.Chrome, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url
        self.wait = WebDriverWait(driver, WAIT_SECONDS)

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def find(self, css: str):
        return self.wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def click_and_wait(self, xpath: str) -> None:
        """Click what ``xpath`` finds and wait for the page it submits to replace this one."""
        element = self.wait.until(ec.element_to_be_clickable((By.XPATH, xpath)))
        element.click()
        self.wait.until(ec.staleness_of(element))

    def log_in(self, email: str, password: str = PASSWORD) -> None:
        self.open("/admin/login/")
        self.find("input[name=email]").send_keys(email)
        self.find("input[name=password]").send_keys(password)
        self.click_and_wait("//form//*[@type='submit']")

    def edit_in_list(self, cell: str, value: str) -> None:
        """Type ``value`` in the inline editor of the list cell ``cell`` and submit it."""
        if not self.driver.find_elements(By.CSS_SELECTOR, ".editable-input input"):
            self.find(cell).click()
        field = self.find(".editable-input input")
        field.clear()
        field.send_keys(value)
        self.find(".editable-submit").click()

    def csp_violations(self) -> list[str]:
        """The console's Content Security Policy refusals since the last call."""
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if "Content Security Policy" in entry["message"]
        ]

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.driver.save_screenshot(str(ARTIFACTS / name))

    def api(self, path: str, token: str | None = None, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
            return json.load(response)


def kettle_photo(directory: Path) -> Path:
    path = directory / "kettle.png"
    Image.new("RGB", (64, 64), (70, 130, 180)).save(path)
    return path


def test_staff_run_the_shop_and_the_api_sees_their_changes(app, browser, staff, customer, tmp_path):
    today = datetime.now(UTC).date().isoformat()
    run_seed(app, "--products", "40", "--users", "8", "--orders", "80", "--as-of", today)
    product = make_product(title="Acceptance kettle", stock=4)
    order = make_order(customer, (product, 1), statuses=["paid"], actor=staff)
    figures = dashboard.period_figures(datetime.now(UTC))
    db.session.commit()

    browser.log_in(staff.email)
    browser.find("#periods")
    shown = [el.text for el in browser.driver.find_elements(By.CSS_SELECTOR, "#periods .value")]
    currency = app.config["SHOP_CURRENCY"]
    assert shown == [f"{period.revenue:,.2f} {currency}" for period in figures]
    assert figures[-1].orders > 1
    assert f"{figures[-1].orders} orders" in browser.text()
    assert browser.find("svg.revenue-chart")
    browser.screenshot("dashboard.png")

    browser.open("/admin/products/?search=kettle")
    browser.edit_in_list(f'a[name="stock_quantity"][data-pk="{product.id}"]', "-1")
    refusal = browser.find(".editable-error-block")
    browser.wait.until(lambda _: "Must be 0 or more." in refusal.text)
    browser.edit_in_list(f'a[name="stock_quantity"][data-pk="{product.id}"]', "17")
    browser.wait.until(
        ec.text_to_be_present_in_element(
            (By.CSS_SELECTOR, f'a[name="stock_quantity"][data-pk="{product.id}"]'), "17"
        )
    )
    browser.open(f"/admin/products/edit/?id={product.id}")
    browser.find("input[name=image_upload]").send_keys(str(kettle_photo(tmp_path)))
    browser.click_and_wait("//form[contains(@class, 'admin-form')]//input[@type='submit']")
    thumbnail = browser.find(f'tr:has(a[data-pk="{product.id}"]) img.admin-thumb')
    assert browser.driver.execute_script("return arguments[0].naturalWidth", thumbnail) == 64
    thumbnail_src = thumbnail.get_attribute("src")
    browser.screenshot("product-list.png")

    browser.open(f"/admin/orders/details/?id={order.id}")
    for step in ("Mark processing", "Mark shipped"):
        browser.click_and_wait(f"//button[normalize-space()='{step}']")
    assert browser.find("#order-status").text == "shipped"

    api_product = browser.api(f"/api/v1/products/{product.id}/")
    assert api_product["stock_quantity"] == 17
    assert api_product["image"] == thumbnail_src
    token = browser.api(
        "/api/v1/auth/jwt/create/", body={"email": staff.email, "password": PASSWORD}
    )["access"]
    api_order = browser.api(f"/api/v1/orders/{order.id}/", token=token)
    assert api_order["status"] == "shipped"
    assert [change["to_status"] for change in api_order["history"]][-2:] == [
        "processing",
        "shipped",
    ]


@pytest.mark.committed
@pytest.mark.usefixtures("embedded_jobs")
def test_the_dashboard_shows_new_orders_as_they_are_placed(app, browser, staff, customer):
    db.session.commit()
    connections = app.extensions["realtime.hub"].connections
    before = len(connections)
    browser.log_in(staff.email)
    browser.find("#live-orders .empty")
    wait_for(lambda: len(connections) > before, WAIT_SECONDS, "the page's socket")

    order = make_order(customer, (make_product(title="Live kettle"), 1))
    db.session.commit()

    shown = browser.find(f'#live-orders li[data-order-id="{order.id}"]')
    assert f"Order #{order.id}: {order.total_amount}" in shown.text
    assert browser.csp_violations() == []


def test_a_customer_login_sees_403(browser, customer):
    browser.log_in(customer.email)

    assert "no access to the back office" in browser.text()
    browser.open("/admin/products/")
    assert browser.driver.current_url.startswith(browser.base_url + "/admin/login/")


def test_a_form_posted_without_its_csrf_token_is_refused(browser, staff):
    product = make_product(title="Guarded lamp", stock=6)
    db.session.commit()
    browser.log_in(staff.email)
    browser.open(f"/admin/products/edit/?id={product.id}")

    stock = browser.find("input[name=stock_quantity]")
    stock.clear()
    stock.send_keys("99")
    browser.driver.execute_script(
        "document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove());"
    )
    browser.click_and_wait("//form[contains(@class, 'admin-form')]//input[@type='submit']")

    assert "The CSRF token is missing." in browser.text()
    db.session.expire_all()
    stored = db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))
    assert stored == 6


def stored(model, row_id: int):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_a_variant_row_edit_is_saved_by_the_pages_save(browser, staff):
    product = make_product(title="Browser shirt", price="20.00", sku="BSHIRT-S")
    options.create_option(product.id, {"name": "Size", "values": ["S", "M"]})
    medium = variants.create_variant(
        product.id,
        {
            "sku": "BSHIRT-M",
            "price": Decimal("24.00"),
            "stock_quantity": 3,
            "options": {"Size": "M"},
        },
    )
    db.session.commit()
    browser.log_in(staff.email)
    browser.open(f"/admin/products/edit/?id={product.id}")

    price = browser.find(f'input[name="variant-{medium.id}-price"]')
    price.clear()
    price.send_keys("31.50")
    browser.click_and_wait("//form[@id='product-form']//input[@type='submit' and @value='Save']")

    assert "Record was successfully saved." in browser.text()
    assert stored(ProductVariant, medium.id).price == Decimal("31.50")
    assert browser.csp_violations() == []


def test_marking_an_order_paid_by_hand_asks_for_a_reason(browser, staff, customer):
    order = make_order(customer, (make_product(title="Counter sale"), 1))
    db.session.commit()
    browser.log_in(staff.email)
    browser.open(f"/admin/orders/details/?id={order.id}")

    assert "no payment provider is asked" in browser.find("#mark-paid-form").text
    button = "//form[@id='mark-paid-form']//button[@type='submit']"
    browser.find("#mark-paid-form button").click()  # the empty reason stops the form
    assert stored(Order, order.id).status == "pending"
    browser.find("#mark-paid-reason").send_keys("Cash at the counter")
    browser.click_and_wait(button)

    assert browser.find("#order-status").text == "paid"
    assert stored(Order, order.id).history[-1].note == "Marked paid by hand: Cash at the counter"
    assert browser.csp_violations() == []


def test_logging_out_is_a_posted_form(browser, staff):
    browser.log_in(staff.email)
    form = browser.find("#logout-form")

    assert form.get_attribute("method") == "post"
    assert form.find_element(By.NAME, "csrf_token").get_attribute("value")
    browser.click_and_wait("//form[@id='logout-form']//button")
    assert "You are logged out." in browser.text()
    browser.open("/admin/")
    assert browser.driver.current_url.startswith(browser.base_url + "/admin/login/")


def test_the_back_office_runs_without_a_csp_refusal(browser, staff, customer):
    order = make_order(customer, (make_product(title="Quiet lamp"), 1))
    db.session.commit()
    browser.log_in(staff.email)

    for page in ("/admin/", "/admin/products/", "/admin/variants/", "/admin/outbox/"):
        browser.open(page)
        browser.find("footer, .container, body")
    browser.open(f"/admin/orders/details/?id={order.id}")
    browser.find("#order-items")
    browser.open("/admin/orders/")
    browser.find(".nav-tabs a.nav-link.dropdown-toggle").click()  # Add Filter (not a menu)
    browser.wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "a.filter"))).click()
    browser.find(f'input.action-checkbox[value="{order.id}"]').click()
    browser.find('a[data-toggle="dropdown"][aria-haspopup="true"]').click()  # With selected
    browser.wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, '[data-model-action="status_cancelled"]'))
    ).click()
    browser.wait.until(ec.alert_is_present()).accept()
    browser.wait.until(lambda _: "now cancelled" in browser.text())

    assert stored(Order, order.id).status == "cancelled"
    assert browser.csp_violations() == []
    policy_script = browser.driver.execute_script(
        "return [...document.scripts].filter(s => !s.src).every(s => s.nonce)"
    )
    assert policy_script

"""The shop's currency, the payment providers on offer and each one's settings."""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, PositiveInt

from config.fields import CommaList, Group, setting

CaptureMethod = Literal["automatic", "manual"]
PayPalEnvironment = Literal["sandbox", "live"]


class PaymentSettings(Group):
    """Providers and their webhooks ([PAYMENTS.md](PAYMENTS.md))."""

    title = "Payments"

    SHOP_CURRENCY: Annotated[str, AfterValidator(str.upper)] = setting(
        "USD",
        "the shop's one currency (ISO 4217): products, carts, orders, payments and the back "
        "office's amounts",
    )
    PAYMENT_PROVIDERS: CommaList = setting(
        ["dummy"],
        "comma-separated providers on offer (`dummy`, `stripe`, `paypal`); the first is the "
        "default of `POST /orders/{id}/pay/`",
    )
    DEMO_SHOP: bool = setting(
        False,
        "a demonstration shop: only then may production offer `dummy`, which marks orders "
        "paid with no money",
    )
    PAYMENT_TIMEOUT_MINUTES: PositiveInt = setting(
        30, "an order unpaid this long is cancelled and its stock restored"
    )
    WEBHOOK_TOLERANCE_SECONDS: PositiveInt = setting(
        300, "oldest accepted webhook signature timestamp, seconds (Stripe's default)"
    )
    DUMMY_WEBHOOK_SECRET: str | None = setting(
        None,
        "signs the dummy provider's webhooks; production with `dummy` requires one of its own",
        shown="derived from `SECRET_KEY`",
    )
    DUMMY_DELAY_SECONDS: int = setting(10, "seconds before the dummy provider sends its webhook")
    DUMMY_CAPTURE_METHOD: CaptureMethod = setting(
        "automatic", "`manual`: a success is `authorized`, captured later by staff"
    )
    STRIPE_SECRET_KEY: str | None = setting(None, "Stripe's API key; required with `stripe`")
    STRIPE_WEBHOOK_SECRET: str | None = setting(
        None, "the signing secret of Stripe's webhook endpoint; required with `stripe`"
    )
    STRIPE_CAPTURE_METHOD: CaptureMethod = setting(
        "automatic", "`manual`: a success is `authorized`, captured later by staff"
    )
    STRIPE_TIMEOUT_SECONDS: PositiveInt = setting(
        20, "seconds a call to Stripe may take before it fails (and is retried)"
    )
    PAYPAL_CLIENT_ID: str | None = setting(None, "the REST app's client id; required with `paypal`")
    PAYPAL_CLIENT_SECRET: str | None = setting(
        None, "the REST app's secret; required with `paypal`"
    )
    PAYPAL_WEBHOOK_ID: str | None = setting(
        None, "the id PayPal gave the shop's webhook endpoint; required with `paypal`"
    )
    PAYPAL_ENVIRONMENT: PayPalEnvironment = setting(
        "sandbox", "`live` takes real money; `sandbox` is PayPal's test environment"
    )
    PAYPAL_CAPTURE_METHOD: CaptureMethod = setting(
        "automatic",
        "`automatic`: an approved order is captured at once; `manual`: when staff say so",
    )
    PAYPAL_TIMEOUT_SECONDS: PositiveInt = setting(
        20, "seconds a call to PayPal may take before it fails (and is retried)"
    )

    def apply(self, config: Any) -> None:
        super().apply(config)
        config.DUMMY_WEBHOOK_SECRET = self.DUMMY_WEBHOOK_SECRET or self.derived_secret(
            config.SECRET_KEY
        )

    @staticmethod
    def derived_secret(secret_key: str) -> str:
        return f"whsec_{secret_key}"

    def production_problems(self, secret_key: str) -> dict[str, str]:
        """Production offers the dummy provider (orders paid with no money) only in a demo
        shop, and never signing with a secret derived from SECRET_KEY."""
        if "dummy" not in self.PAYMENT_PROVIDERS:
            return {}
        problems = {}
        if not self.DEMO_SHOP:
            problems["PAYMENT_PROVIDERS"] = (
                "offers `dummy`, which marks orders paid with no money: production refuses it "
                "unless DEMO_SHOP=true says this shop is a demonstration"
            )
        secret = self.DUMMY_WEBHOOK_SECRET
        if not secret or secret in (secret_key, self.derived_secret(secret_key)):
            problems["DUMMY_WEBHOOK_SECRET"] = (
                "must be set in production to a secret of its own (the default derives from "
                "SECRET_KEY)"
            )
        return problems

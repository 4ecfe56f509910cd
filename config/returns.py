"""How long customers may send delivered units back."""

from pydantic import PositiveInt

from config.fields import Group, setting


class ReturnSettings(Group):
    """Returns ([RETURNS.md](RETURNS.md))."""

    title = "Returns"

    RETURN_WINDOW_DAYS: PositiveInt = setting(
        30, "days after a line's delivery during which its units may be returned"
    )

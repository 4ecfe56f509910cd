"""The languages the shop speaks."""

from pydantic import field_validator

from config.fields import CommaList, Group, setting


class LanguageSettings(Group):
    """Catalogue texts, messages and e-mails in each language ([I18N.md](I18N.md)); a
    missing translation falls back to the first language, the default."""

    title = "Languages"

    LANGUAGES: CommaList = setting(
        ["en", "fr"],
        "comma-separated language codes the shop speaks, the default first",
    )

    @field_validator("LANGUAGES")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        codes = [code.strip().lower() for code in codes if code.strip()]
        if not codes:
            raise ValueError("name at least one language")
        if len(set(codes)) != len(codes):
            raise ValueError("a language is named twice")
        bad = [code for code in codes if not code.isalpha() or len(code) != 2]
        if bad:
            raise ValueError(f"not a two-letter language code: {', '.join(bad)}")
        return codes

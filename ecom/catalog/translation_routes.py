"""Staff reads and writes of the catalogue's translations: one pair of routes per
translated kind, `.../translations/` and `.../translations/{language}/`."""

from flask.views import MethodView

from ecom.catalog import translating
from ecom.catalog.blueprint import blp
from ecom.catalog.translating import CATEGORY, OPTION, OPTION_VALUE, PRODUCT, Translated
from ecom.catalog.translation_schemas import (
    CategoryTranslationSchema,
    CategoryTranslationWriteSchema,
    OptionTranslationSchema,
    OptionTranslationWriteSchema,
    OptionValueTranslationSchema,
    OptionValueTranslationWriteSchema,
    ProductTranslationSchema,
    ProductTranslationWriteSchema,
)

PRODUCT_PATH = "/products/<int:product_id>/"
OPTION_PATH = f"{PRODUCT_PATH}options/<int:option_id>/"
LANGUAGE_REFUSED = "`unknown_language` (not in `LANGUAGES`) or `default_language` (its text is "
"the catalogue's own)."


def _register(path: str, name: str, kind: Translated, answer: type, write: type) -> None:
    """The two routes of a translated kind (``name``: what the documentation calls it)."""

    class Translations(MethodView):
        @blp.auth(permission="manage_catalog")
        @blp.response(200, answer(many=True))
        @blp.alt_response(404, response="NOT_FOUND")
        def get(self, **path_ids: int) -> list:
            return translating.translations(kind, **path_ids)

    class Translation(MethodView):
        @blp.auth(permission="manage_catalog")
        @blp.arguments(write)
        @blp.response(200, answer)
        @blp.alt_response(400, response="DEFAULT_ERROR", description=LANGUAGE_REFUSED)
        @blp.alt_response(404, response="NOT_FOUND")
        @blp.alt_response(409, response="CONFLICT", description="`slug_taken`.")
        def patch(self, data: dict, language: str, **path_ids: int) -> object:
            return translating.save_translation(kind, language, data, **path_ids)

        @blp.auth(permission="manage_catalog")
        @blp.response(204)
        @blp.alt_response(400, response="DEFAULT_ERROR", description=LANGUAGE_REFUSED)
        @blp.alt_response(404, response="NOT_FOUND")
        def delete(self, language: str, **path_ids: int) -> None:
            translating.delete_translation(kind, language, **path_ids)

    Translations.get.__doc__ = f"The {name}'s translations, one per language (staff)."
    Translation.patch.__doc__ = (
        f"Create or change the {name}'s translation in a language (staff): the fields "
        "sent, null clearing one (it then falls back to the default language's text)."
    )
    Translation.delete.__doc__ = (
        f"Delete the {name}'s translation in a language (staff): its texts fall back to "
        "the default language's."
    )
    endpoint = name.title().replace(" ", "")
    blp.route(f"{path}translations/", endpoint=f"{endpoint}Translations")(Translations)
    blp.route(f"{path}translations/<language:language>/", endpoint=f"{endpoint}Translation")(
        Translation
    )


_register(PRODUCT_PATH, "product", PRODUCT, ProductTranslationSchema, ProductTranslationWriteSchema)
_register(
    "/categories/<int:category_id>/",
    "category",
    CATEGORY,
    CategoryTranslationSchema,
    CategoryTranslationWriteSchema,
)
_register(OPTION_PATH, "option", OPTION, OptionTranslationSchema, OptionTranslationWriteSchema)
_register(
    f"{OPTION_PATH}values/<int:value_id>/",
    "option value",
    OPTION_VALUE,
    OptionValueTranslationSchema,
    OptionValueTranslationWriteSchema,
)

"""The catalogue's texts in the shop's other languages on a product's or category's page,
below the default texts, written through the catalogue's translation service (its rules:
slugs unique in every language, empty fields falling back to the default text)."""

from typing import Any

from flask import request
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import Optional

from ecom.catalog import translating
from ecom.catalog.translating import Translated

# What each translated field is edited with.
INPUTS = {"description": TextAreaField}


class TranslatedTexts:
    """A view's form with ``<field>_<language>`` fields for each other language the shop
    speaks (given at construction: the views are built before any request)."""

    translation: Translated
    translated_fields: tuple[str, ...]
    # The service's path keyword for the owner's id.
    owner_key: str

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        self.other_languages = languages
        super().__init__(*args, **kwargs)

    def scaffold_form(self) -> type[Form]:
        form_class = super().scaffold_form()
        for language in self.other_languages:
            for field in self.translated_fields:
                label = f"{field.capitalize()} ({language}, empty: the default text)"
                input_class = INPUTS.get(field, StringField)
                setattr(form_class, _name(field, language), input_class(label, [Optional()]))
        return form_class

    def edit_form(self, obj: Any = None) -> Form:
        form = super().edit_form(obj)
        if obj is not None and request.method == "GET":
            for row in translating.translations(self.translation, **{self.owner_key: obj.id}):
                for field in self.translated_fields:
                    if _name(field, row.language) in form:
                        form[_name(field, row.language)].data = getattr(row, field)
        return form

    def save_translations(self, form: Form, owner_id: int) -> None:
        """Write the form's translations: a language left empty has none. A list's inline
        edit has no translation fields: it writes none."""
        if not any(_name(self.translated_fields[0], lang) in form for lang in self.other_languages):
            return
        path = {self.owner_key: owner_id}
        existing = {row.language for row in translating.translations(self.translation, **path)}
        for language in self.other_languages:
            texts = {
                field: (form[_name(field, language)].data or "").strip() or None
                for field in self.translated_fields
            }
            if not texts.get("slug"):
                texts.pop("slug", None)  # Made from the translated text when it has none.
            if any(texts.values()):
                translating.save_translation(self.translation, language, texts, **path)
            elif language in existing:
                translating.delete_translation(self.translation, language, **path)


def _name(field: str, language: str) -> str:
    return f"{field}_{language}"

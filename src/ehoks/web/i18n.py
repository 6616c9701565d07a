"""Finnish, Swedish and English for the pages.

Message ids are the English texts. Each language's catalog is every ``*.po`` file under
``translations/<lang>/`` (one file per feature, so features do not edit one shared file), read
with Babel at start-up. A text missing from a catalog shows in English, and the test suite fails
on it (``tests/web/test_i18n.py``).

The language of a request: ``?lang=`` (which also sets the ``lang`` cookie), then the cookie,
then Finnish — the service's default, whatever the browser says, as in the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from markupsafe import Markup, escape

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
LANGUAGE_COOKIE = "lang"

_TRANSLATIONS = Path(__file__).parent / "translations"


@dataclass(frozen=True)
class Catalog:
    lang: str
    messages: dict[str, str]

    def gettext(self, message: str, **values: object) -> str:
        text = self.messages.get(message) or message
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self.messages.get(singular if n == 1 else plural) or (singular if n == 1 else plural)
        return text % {"num": n, **values}

    def markup(self, message: str, **values: object) -> Markup:
        """A translated text with ``values`` HTML-escaped into it (for templates)."""
        text = self.messages.get(message) or message
        # The catalogs are ours (trusted markup); the values are escaped.
        return Markup(text) % {key: escape(value) for key, value in values.items()}  # noqa: S704


@cache
def catalog(lang: str) -> Catalog:
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    messages: dict[str, str] = {}
    for path in sorted((_TRANSLATIONS / lang).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and isinstance(message.id, str) and message.string:
                    messages[message.id] = str(message.string)
                elif message.id and isinstance(message.id, tuple) and message.string:
                    for form, text in zip(message.id, message.string, strict=False):
                        if text:
                            messages[form] = text
    return Catalog(lang, messages)


def choose_language(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def catalog_files() -> dict[str, list[Path]]:
    return {lang: sorted((_TRANSLATIONS / lang).glob("*.po")) for lang in LANGUAGES}


def N_(message: str) -> str:  # noqa: N802 -- the conventional name extractors look for
    """Marks a message id for extraction; translated where it is shown."""
    return message

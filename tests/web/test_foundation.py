"""The page foundation: languages, catalogs, error pages, static files, public pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from fastapi.testclient import TestClient

import ehoks.web
from ehoks.web.i18n import LANGUAGES, catalog

WEB = Path(ehoks.web.__file__).parent


def extracted_messages() -> set[str]:
    """Every literal message id in the templates (``_("…")``) and the code (``N_("…")``)."""
    method_map = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    messages: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), method_map, keywords={"_": None, "N_": None}
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def test_the_extractor_finds_the_texts() -> None:
    messages = extracted_messages()
    assert "Skip to main content" in messages  # a template text
    assert "Incorrect username or password." in messages  # an N_() text in code
    assert len(messages) > 40


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_text_is_translated(lang: str) -> None:
    missing = sorted(extracted_messages() - set(catalog(lang).messages))
    assert missing == [], f"texts without a {lang} translation: {missing}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_translations_keep_their_placeholders(lang: str) -> None:
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    for message_id, text in catalog(lang).messages.items():
        assert set(placeholder.findall(message_id)) == set(placeholder.findall(text)), message_id


@pytest.mark.parametrize(
    ("lang", "heading", "statement"),
    [
        ("fi", "Olen opiskelija", "Saavutettavuusseloste"),
        ("sv", "Jag är studerande", "Tillgänglighetsutlåtande"),
        ("en", "I am a student", "Accessibility statement"),
    ],
)
def test_front_page_in_each_language(
    client: TestClient, lang: str, heading: str, statement: str
) -> None:
    page = client.get(f"/?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert heading in page.text
    assert statement in page.text  # the footer links the accessibility statement
    assert 'href="#main"' in page.text and '<main id="main"' in page.text


def test_finnish_is_the_default_and_the_choice_is_kept(client: TestClient) -> None:
    assert '<html lang="fi">' in client.get("/").text
    chosen = client.get("/?lang=sv")
    assert "lang=sv" in chosen.headers["set-cookie"]
    # The next pages (without ?lang) stay in Swedish.
    assert '<html lang="sv">' in client.get("/saavutettavuusseloste").text
    assert '<html lang="sv">' in client.get("/ehoks-virkailija-ui/kirjaudu").text


def test_an_unknown_language_falls_back_to_finnish(client: TestClient) -> None:
    page = client.get("/?lang=de")
    assert '<html lang="fi">' in page.text
    assert "lang=de" not in page.headers.get("set-cookie", "")


def test_the_language_links_keep_the_page_and_its_parameters(client: TestClient) -> None:
    page = client.get("/ehoks-virkailija-ui/kirjaudu?next=%2Fehoks-virkailija-ui%2F")
    assert 'href="/ehoks-virkailija-ui/kirjaudu?next=%2Fehoks-virkailija-ui%2F&amp;lang=sv"' in (
        page.text
    )


@pytest.mark.parametrize(
    ("lang", "text"), [("fi", "Sivua ei löytynyt"), ("sv", "Sidan hittades inte")]
)
def test_unknown_page_is_a_friendly_404(client: TestClient, lang: str, text: str) -> None:
    response = client.get(f"/ehoks-virkailija-ui/ei-ole?lang={lang}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text


def test_unknown_api_path_still_answers_json(client: TestClient) -> None:
    response = client.get("/ehoks-virkailija-backend/api/v1/ei-ole")
    assert response.status_code == 404
    assert response.json() == {"reason": "Route not found"}


def test_a_page_needing_sign_in_redirects_to_the_sign_in_page(client: TestClient) -> None:
    response = client.get("/ehoks-virkailija-ui/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/ehoks-virkailija-ui/kirjaudu?next=%2Fehoks-virkailija-ui%2F"
    )
    student = client.get("/ehoks/", follow_redirects=False)
    assert student.headers["location"] == "/ehoks/kirjaudu?next=%2Fehoks%2F"


def test_an_unexpected_error_on_a_page_is_a_friendly_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ehoks.web import common

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(common, "page_response", broken)
    with TestClient(client.app, raise_server_exceptions=False) as quiet:  # type: ignore[arg-type]
        response = quiet.get("/saavutettavuusseloste?lang=en")
    assert response.status_code == 500
    assert "Something went wrong" in response.text


def test_static_files_are_served(client: TestClient) -> None:
    css = client.get("/ehoks-static/ehoks.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/ehoks-static/../templating.py").status_code == 404


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_every_language_has_a_catalog_directory() -> None:
    for lang in LANGUAGES:
        assert (WEB / "translations" / lang).is_dir()

"""Public routes: health check and the API documentation with its locally served assets."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ehoks.api import PUBLIC_ROUTES, route_table
from ehoks.app import create_app
from ehoks.settings import Settings

DOC = "/ehoks-virkailija-backend/doc"


def test_healthcheck_answers_without_authentication(client: TestClient) -> None:
    response = client.get("/ehoks-virkailija-backend/api/v1/healthcheck")
    assert response.status_code == 200
    assert response.json() == {}


def test_swagger_ui_page_loads_its_assets_from_this_service(client: TestClient) -> None:
    page = client.get(DOC)
    assert page.status_code == 200
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        url = f"{DOC}/static/{asset}"
        assert url in page.text
        response = client.get(url)
        assert response.status_code == 200, asset
        assert len(response.content) > 500, asset
    assert client.get(f"{DOC}/static/swagger-ui.css").headers["content-type"].startswith("text/css")


def test_only_the_listed_assets_are_served(client: TestClient) -> None:
    assert client.get(f"{DOC}/static/index.html").status_code == 404
    assert client.get(f"{DOC}/static/..%2F..%2F__init__.py").status_code == 404


def test_every_public_route_exists(settings: Settings) -> None:
    app_routes = route_table(create_app(settings))
    assert ("PUT", "/ehoks-virkailija-backend/api/v1/hoks/{hoks_id}") in app_routes
    assert app_routes >= PUBLIC_ROUTES

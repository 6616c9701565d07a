"""Property-based checks of the served OpenAPI document with schemathesis.

Schemathesis generates requests from `/ehoks-virkailija-backend/doc/swagger.json` (valid and
invalid bodies, parameters and headers) and checks that no answer is a 5xx and that every answer
matches the documented schema. The calls carry a real service ticket of a user with CRUD on the
OPH root, and a HOKS exists, so the generated requests reach the validation and the use cases.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from ehoks.settings import OPH_ROOT_OID
from tests.support import world

DOC = "/ehoks-virkailija-backend/doc/swagger.json"


def test_api_answers_as_documented(client: TestClient, session: Session) -> None:
    world.add_organisations(session)
    api = world.service_api(client, session, "schemathesis", [("CRUD", OPH_ROOT_OID)])
    student = world.add_student(session)
    created = api.post(
        "/hoks",
        {
            "oppija-oid": student.oid,
            "opiskeluoikeus-oid": student.oo,
            "ensikertainen-hyvaksyminen": "2024-08-15",
            "osaamisen-hankkimisen-tarve": True,
        },
    )
    assert created.status_code == 200
    loaded = schemathesis.openapi.from_asgi(DOC, client.app)
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.headers = {**(case.headers or {}), **api.headers()}
            case.call_and_validate(
                excluded_checks=[
                    # Tickets are single use, so replaying a request without one differs.
                    schemathesis.checks.ignored_auth,
                    # JSON Schema cannot say "valid check digit" or "study right in KOSKI":
                    # schema-valid bodies are rightly refused with 400 by those rules.
                    schemathesis.checks.positive_data_acceptance,
                ]
            )

        check()

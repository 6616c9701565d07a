"""``HttpCasTicketValidator`` against a CAS served by the test on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from ehoks.access.cas import (
    BuiltinTicketValidator,
    CasUnavailable,
    CasUser,
    HttpCasTicketValidator,
    build_ticket_validator,
    service_validate_xml,
)
from ehoks.settings import Settings
from tests.support.fake_cas import FAILURE_XML, SUCCESS_XML_TEMPLATE, FakeCas
from tests.support.loopback import closed_port_url

SERVICE = "https://virkailija.example/ehoks-virkailija-backend/cas-security-check"
OID = "1.2.246.562.24.44651722625"

SUCCESS_XML = SUCCESS_XML_TEMPLATE.format(oid=OID)


@pytest.fixture(autouse=True)
def _answer_with_success(fake_cas: FakeCas) -> None:
    fake_cas.body = SUCCESS_XML


@pytest.fixture
def validator(fake_cas: FakeCas) -> Iterator[HttpCasTicketValidator]:
    validator = HttpCasTicketValidator(fake_cas.url, timeout=5.0)
    yield validator
    validator.close()


def unused_session() -> Session:
    return Session()  # the HTTP validator never touches the database


def test_success_gives_the_user_and_every_role(
    fake_cas: FakeCas, validator: HttpCasTicketValidator
) -> None:
    user = validator.validate(unused_session(), "ST-1-abc", SERVICE)

    assert user == CasUser(
        username="ehoks-palvelu",
        oid=OID,
        kayttajatyyppi="PALVELU",
        roles=(
            "APP_EHOKS",
            "APP_EHOKS_CRUD",
            "ROLE_APP_EHOKS_CRUD_1.2.246.562.10.346830761110",
            "ROLE_APP_KOODISTO_READ",
            "ROLE_APP_EHOKS_READ_1.2.246.562.10.00000000001",
        ),
    )
    assert fake_cas.requests == [
        ("/cas/p3/serviceValidate", {"service": [SERVICE], "ticket": ["ST-1-abc"]})
    ]


def test_failure_gives_none(fake_cas: FakeCas, validator: HttpCasTicketValidator) -> None:
    fake_cas.body = FAILURE_XML
    assert validator.validate(unused_session(), "ST-1-abc", SERVICE) is None


def test_our_own_xml_reads_back(fake_cas: FakeCas, validator: HttpCasTicketValidator) -> None:
    user = CasUser("a&b <c>", OID, "VIRKAILIJA", ("ROLE_APP_EHOKS_READ_1.2.246.562.10.1",))
    fake_cas.body = service_validate_xml(user)
    assert validator.validate(unused_session(), "ST-1", SERVICE) == user

    fake_cas.body = service_validate_xml(None, "INVALID_TICKET", "Ticket ST-1 not recognized")
    assert validator.validate(unused_session(), "ST-1", SERVICE) is None


def test_server_error_is_unavailable(fake_cas: FakeCas, validator: HttpCasTicketValidator) -> None:
    fake_cas.status = 503
    fake_cas.body = "<html>down for maintenance</html>"
    with pytest.raises(CasUnavailable) as raised:
        validator.validate(unused_session(), "ST-1", SERVICE)
    assert raised.value.message == "Unable to check access rights"


@pytest.mark.parametrize(
    "body",
    [
        "not xml at all",
        "<html><body>login page</body></html>",
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'/>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><cas:serviceResponse '
        "xmlns:cas='http://www.yale.edu/tp/cas'><cas:authenticationSuccess>"
        "<cas:user>&a;</cas:user><cas:attributes/></cas:authenticationSuccess>"
        "</cas:serviceResponse>",
    ],
)
def test_unreadable_answer_is_unavailable(
    fake_cas: FakeCas, validator: HttpCasTicketValidator, body: str
) -> None:
    fake_cas.body = body
    with pytest.raises(CasUnavailable):
        validator.validate(unused_session(), "ST-1", SERVICE)


def test_closed_port_is_unavailable() -> None:
    validator = HttpCasTicketValidator(f"{closed_port_url()}/cas", timeout=2.0)
    try:
        with pytest.raises(CasUnavailable):
            validator.validate(unused_session(), "ST-1", SERVICE)
    finally:
        validator.close()


def test_the_settings_choose_the_validator(settings: Settings) -> None:
    assert isinstance(build_ticket_validator(settings), BuiltinTicketValidator)
    # A new Settings: model_copy would keep the cached builtin_cas of the original.
    external = Settings(**{**settings.model_dump(), "cas_url": "https://virkailija.example/cas"})
    assert isinstance(build_ticket_validator(external), HttpCasTicketValidator)

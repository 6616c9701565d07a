"""CAS-oppija (Suomi.fi identification of students) and CAS single logout.

CAS-oppija is the Opintopolku CAS in front of Suomi.fi. eHOKS validates the service ticket the
student's browser brings back at ``GET {cas_oppija_url}/serviceValidate?service=…&ticket=…``
(CAS 2.0 XML, as the original) and reads the attributes cas-oppija releases
(``reference/domain.md`` §B.6): ``personOid`` (the student number), the names
(``firstName`` = all first names, ``givenName`` = the name in use, ``sn``, ``displayName``), and
on a login with a Suomi.fi mandate (valtuudet) also ``impersonatorPersonOid``,
``impersonatorNationalIdentificationNumber`` and ``impersonatorDisplayName``. The original treats
a login as a mandate login when either of the last two is present; so does this.

Both CASes end sessions by posting a SAML ``LogoutRequest`` to the service URL (single logout);
``session_index_of_logout_request`` reads the service ticket from it.

XML from outside is parsed without DTDs: a document declaring one is refused before parsing,
so no entity can expand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import httpx

from ehoks.access.cas import cas_text, fetch_service_validate, has_dtd, parse_cas_success

SAML_PROTOCOL_NAMESPACE = "urn:oasis:names:tc:SAML:2.0:protocol"
# A logout request is a few hundred bytes; anything much larger is not one.
MAX_LOGOUT_REQUEST_LENGTH = 16_384


@dataclass(frozen=True)
class CasOppijaUser:
    """What a successful CAS-oppija ``serviceValidate`` tells about the person signed in."""

    username: str  # e.g. "suomi.fi,010170-999R"; never shown or stored
    person_oid: str  # personOid: empty when the person has no student number
    first_names: str  # firstName (all first names)
    given_name: str  # givenName (the name in use, kutsumanimi)
    surname: str  # sn
    display_name: str
    # Set on a login with a Suomi.fi mandate: the person who signed in acts for someone else.
    impersonator_person_oid: str = ""
    impersonator_display_name: str = ""
    impersonator_national_id: str = ""

    @property
    def using_mandate(self) -> bool:
        """A mandate (valtuudet) login, by the original's rule."""
        return bool(self.impersonator_national_id or self.impersonator_display_name)


def parse_cas_oppija_xml(text: str) -> CasOppijaUser | None:
    """The person of a CAS-oppija ``serviceValidate`` success response, or None for a failure.

    Raises ``CasUnavailable`` when the text is not a CAS response.
    """
    parsed = parse_cas_success(text, "CAS-oppija")
    if parsed is None:
        return None
    username, attributes = parsed

    def attribute(name: str) -> str:
        return cas_text(attributes, name)

    return CasOppijaUser(
        username=username,
        person_oid=attribute("personOid"),
        first_names=attribute("firstName"),
        given_name=attribute("givenName"),
        surname=attribute("sn"),
        display_name=attribute("displayName"),
        impersonator_person_oid=attribute("impersonatorPersonOid"),
        impersonator_display_name=attribute("impersonatorDisplayName"),
        impersonator_national_id=attribute("impersonatorNationalIdentificationNumber"),
    )


class CasOppijaValidator:
    """Asks CAS-oppija: ``GET {cas_oppija_url}/serviceValidate?service=…&ticket=…``."""

    def __init__(
        self, cas_oppija_url: str, *, timeout: float, client: httpx.Client | None = None
    ) -> None:
        self._validate_url = f"{cas_oppija_url.rstrip('/')}/serviceValidate"
        self._client = client or httpx.Client(timeout=timeout)
        self._timeout = timeout

    def close(self) -> None:
        self._client.close()

    def validate(self, ticket: str, service: str) -> CasOppijaUser | None:
        """The person of a valid ``ticket`` for ``service``, or None (invalid, used, expired).

        Raises ``CasUnavailable`` when CAS-oppija cannot be asked.
        """
        text = fetch_service_validate(
            self._client, self._validate_url, ticket, service, timeout=self._timeout
        )
        return parse_cas_oppija_xml(text)


def session_index_of_logout_request(text: str) -> str | None:
    """The service ticket (``samlp:SessionIndex``) of a CAS single-logout ``LogoutRequest``, or
    None when ``text`` is not one (malformed, too long, with a DTD, without a session index)."""
    if not text or len(text) > MAX_LOGOUT_REQUEST_LENGTH or has_dtd(text):
        return None
    try:
        root = ET.fromstring(text)  # noqa: S314 -- no DTD (refused above)
    except ET.ParseError:
        return None
    if root.tag != f"{{{SAML_PROTOCOL_NAMESPACE}}}LogoutRequest":
        return None
    session_index = (root.findtext(f"{{{SAML_PROTOCOL_NAMESPACE}}}SessionIndex") or "").strip()
    return session_index or None

"""Check digits of the national identifiers: OIDs and Y-tunnus.

Rules from ``reference/domain.md`` §B.0 and ``reference/ehoks-backend.md`` §2.2:

* opiskeluoikeus OIDs (node 15) and test-person OIDs (nodes 98/198/298) use Luhn;
* person OIDs of node 24 use the IBM 1-3-7 weighting;
* a 12-digit tail ending in ``10`` is a legacy OID whose check digit is 0;
* organisation OIDs are only shape-checked (some real ones carry a wrong check digit);
* Y-tunnus: weights 7,9,10,5,8,4,2, remainder 1 is never valid.
"""

from __future__ import annotations

import re

OPISKELUOIKEUS_OID_RE = re.compile(r"^1\.2\.246\.562\.15\.[1-9]\d{9}(\d|10)$", re.ASCII)
OPPIJA_OID_RE = re.compile(r"^1\.2\.246\.562\.(24|[12]?98)\.[1-9]\d{9}(\d|10)$", re.ASCII)
ORGANISAATIO_OID_RE = re.compile(
    r"^1\.2\.246\.562\.(10|[12]?99)\.([1-9]\d{9}(\d|10)|0{10}1|201[34]\d{18})$", re.ASCII
)
Y_TUNNUS_RE = re.compile(r"^[0-9]{7}-[0-9]$")
# `$` also matches before a final newline (in Java too); the checks below use fullmatch so a
# trailing newline is refused, as the original refuses it when comparing the check digit.

_Y_TUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def luhn_check_digit(digits: str) -> int:
    """Luhn check digit: double every other digit starting from the rightmost."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 0:
            n *= 2
            if n > 9:
                n = n % 10 + 1
        total += n
    return (10 - total % 10) % 10


def ibm_check_digit(digits: str) -> int:
    """IBM 1-3-7 check digit: weights 7, 3, 1, ... from the rightmost digit."""
    weights = (7, 3, 1)
    total = sum(int(char) * weights[i % 3] for i, char in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def _split_tail(oid: str) -> tuple[str, str, int]:
    node, tail = oid.split(".")[4], oid.split(".")[5]
    body = tail[:10]
    expected = 0 if len(tail) == 12 else int(tail[10])
    return node, body, expected


def is_valid_opiskeluoikeus_oid(oid: str) -> bool:
    if not OPISKELUOIKEUS_OID_RE.fullmatch(oid):
        return False
    _, body, expected = _split_tail(oid)
    return luhn_check_digit(body) == expected


def is_valid_oppija_oid(oid: str) -> bool:
    if not OPPIJA_OID_RE.fullmatch(oid):
        return False
    node, body, expected = _split_tail(oid)
    check = ibm_check_digit(body) if node == "24" else luhn_check_digit(body)
    return check == expected


def is_valid_organisaatio_oid(oid: str) -> bool:
    return bool(ORGANISAATIO_OID_RE.fullmatch(oid))


def is_valid_y_tunnus(value: str) -> bool:
    if not Y_TUNNUS_RE.fullmatch(value):
        return False
    remainder = sum(int(d) * w for d, w in zip(value[:7], _Y_TUNNUS_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return False
    check = 0 if remainder == 0 else 11 - remainder
    return check == int(value[8])


def make_oid(node: str, body: str) -> str:
    """Build a valid OID of ``node`` from 10 digits (no leading zero), adding the check digit."""
    if len(body) != 10 or not body.isdigit() or body[0] == "0":
        raise ValueError("an OID body is 10 digits without a leading zero")
    check = ibm_check_digit(body) if node == "24" else luhn_check_digit(body)
    return f"1.2.246.562.{node}.{body}{check}"


def make_y_tunnus(body: str) -> str:
    """Build a valid Y-tunnus from 7 digits (raises if no check digit exists for them)."""
    remainder = sum(int(d) * w for d, w in zip(body, _Y_TUNNUS_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        raise ValueError(f"no valid Y-tunnus starts with {body}")
    return f"{body}-{0 if remainder == 0 else 11 - remainder}"

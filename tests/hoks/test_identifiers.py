"""OID and Y-tunnus check digits (ehoks-backend.md §2.2, domain.md §B.0).

The vectors are those of the reference and of the original's ``oid_test.clj``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from ehoks.identifiers import (
    ibm_check_digit,
    is_valid_opiskeluoikeus_oid,
    is_valid_oppija_oid,
    is_valid_organisaatio_oid,
    is_valid_y_tunnus,
    luhn_check_digit,
    make_oid,
    make_y_tunnus,
)

# --- opiskeluoikeus (node 15, Luhn) --------------------------------------------------------

VALID_OPISKELUOIKEUS_OIDS = [
    "1.2.246.562.15.76811932037",
    "1.2.246.562.15.41024330544",
    "1.2.246.562.15.73222573930",
    "1.2.246.562.15.68533489990",
    "1.2.246.562.15.80624098275",
    "1.2.246.562.15.97241700166",
    "1.2.246.562.15.78573431000",
    "1.2.246.562.15.298574987110",  # legacy: 12 digits ending in 10 = check digit 0
    "1.2.246.562.15.983769802510",  # legacy
    "1.2.246.562.15.10000000009",  # the example of §2.12
]

INVALID_OPISKELUOIKEUS_OIDS = [
    "asd",
    "1.2.3",
    "",
    "1.2.246.562.15.09873698279",  # correct check digit but a leading zero
    "1.2.246.562.15.1068968963",  # too few digits
    "1.2.246.562.15.987369457211",  # too many digits
    "1.2.246.562.15.897639829610",  # legacy suffix, but the check digit is not 0
    "1.2.246.562.15.298574987111",  # 12 digits not ending in 10
    "1.2.246.562.24.41024330544",  # oppija node
    "1.2.246.562.10.73222573930",  # organisaatio node
    "1.2.246.562.15.41014330544",  # check digit mismatch
    "1.2.246.562.15.68533489991",  # check digit mismatch
    " 1.2.246.562.15.76811932037",  # never trimmed
    "1.2.246.562.15.76811932037 ",
    "1x2.246.562.15.76811932037",  # dots are literal
]


@pytest.mark.parametrize("oid", VALID_OPISKELUOIKEUS_OIDS)
def test_valid_opiskeluoikeus_oid(oid: str) -> None:
    assert is_valid_opiskeluoikeus_oid(oid)


@pytest.mark.parametrize("oid", INVALID_OPISKELUOIKEUS_OIDS)
def test_invalid_opiskeluoikeus_oid(oid: str) -> None:
    assert not is_valid_opiskeluoikeus_oid(oid)


# --- oppija (node 24 IBM 1-3-7, test nodes 98/198/298 Luhn) ---------------------------------

VALID_NODE_24_TAILS = [
    "44651722625",
    "54450598189",
    "37998958910",
    "92170778843",
    "64297803263",
    "89826171930",
    "16068378700",
    "12312312319",  # the example of §2.12
    "898261719310",  # legacy
    "160683787010",  # legacy
]
VALID_TEST_NODE_TAILS = [
    "54450598187",
    "37998958914",
    "92170778846",
    "64297803260",
    "89826171939",
    "16068378708",
    "160683787410",  # legacy
]

INVALID_OPPIJA_OIDS = [
    "asd",
    "1.2.3",
    "1.2.246.562.10.02589689322",  # leading zero, organisation node
    "1.2.246.562.24.02589689322",  # leading zero
    "1.2.246.562.24.7189698747",  # too few digits
    "1.2.246.562.24.639871578679",  # too many digits
    "1.2.246.562.15.54450598189",  # opiskeluoikeus node
    "1.2.246.562.10.37998958910",  # organisaatio node
    "1.2.246.562.24.642978032610",  # bad legacy suffix (check digit is 3)
    "1.2.246.562.24.54440598189",  # mismatch, 6 would be correct
    "1.2.246.562.98.54440598186",  # mismatch, 0 would be correct
    "1.2.246.562.198.54440598186",
    "1.2.246.562.298.54440598186",
    "1.2.246.562.24.37998957910",  # mismatch, 1 would be correct
    "1.2.246.562.398.54450598187",  # only 98, 198 and 298 are test nodes
    "1.2.246.562.24.54450598187",  # node 24 with the Luhn digit
    "1.2.246.562.98.54450598189",  # node 98 with the IBM digit
]


@pytest.mark.parametrize("tail", VALID_NODE_24_TAILS)
def test_valid_node_24_oppija_oid(tail: str) -> None:
    assert is_valid_oppija_oid(f"1.2.246.562.24.{tail}")


@pytest.mark.parametrize("node", ["98", "198", "298"])
@pytest.mark.parametrize("tail", VALID_TEST_NODE_TAILS)
def test_valid_test_node_oppija_oid(node: str, tail: str) -> None:
    assert is_valid_oppija_oid(f"1.2.246.562.{node}.{tail}")


@pytest.mark.parametrize("oid", INVALID_OPPIJA_OIDS)
def test_invalid_oppija_oid(oid: str) -> None:
    assert not is_valid_oppija_oid(oid)


def test_node_24_uses_ibm_and_test_nodes_use_luhn() -> None:
    body = "5445059818"
    assert ibm_check_digit(body) == 9
    assert luhn_check_digit(body) == 7
    assert is_valid_oppija_oid(f"1.2.246.562.24.{body}9")
    assert not is_valid_oppija_oid(f"1.2.246.562.24.{body}7")
    for node in ("98", "198", "298"):
        assert is_valid_oppija_oid(f"1.2.246.562.{node}.{body}7")
        assert not is_valid_oppija_oid(f"1.2.246.562.{node}.{body}9")


@pytest.mark.parametrize(
    ("digits", "luhn", "ibm"),
    [
        ("7681193203", 7, None),
        ("4102433054", 4, None),
        ("2985749871", 0, None),
        ("5444059818", 0, 6),
        ("3799895791", None, 1),
        ("3799895891", None, 0),
        ("4465172262", None, 5),
    ],
)
def test_check_digit_functions(digits: str, luhn: int | None, ibm: int | None) -> None:
    if luhn is not None:
        assert luhn_check_digit(digits) == luhn
    if ibm is not None:
        assert ibm_check_digit(digits) == ibm


# --- organisaatio (shape only) ------------------------------------------------------------

VALID_ORGANISAATIO_TAILS = [
    "92214483247",
    "18950669244",
    "77831291537",
    "38262856784",
    "67924833642",
    "2013110716590316970385",  # 22-digit timestamp tails of 2013/2014
    "2014081110425906984827",
    "587342913610",  # legacy suffix
    "54440598189",
    "37998957910",
    "778312915310",
    "143886286710",
    "54440598180",  # a wrong check digit is fine: not checked for organisations
]

INVALID_ORGANISAATIO_OIDS = [
    "asd",
    "1.2.3",
    "1.2.246.562.10.5286980957",
    "1.2.246.562.10.2897630745971",
    "1.2.246.562.99.2897630745971",
    "1.2.246.562.199.2897630745971",
    "1.2.246.562.299.2897630745971",
    "1.2.246.562.10.20131107165903169703852",  # 23 digits
    "1.2.246.562.10.2015110716590316970385",  # 22 digits, but not 2013/2014
    "1.2.246.562.10.00000000002",  # only ...0001 may start with zeros
    "1.2.246.562.10.0000000001",
    "1.2.246.562.15.92214483247",  # opiskeluoikeus node
    "1.2.246.562.24.18950669244",  # oppija node
    "1.2.246.562.399.92214483247",
]


@pytest.mark.parametrize("node", ["10", "99", "199", "299"])
@pytest.mark.parametrize("tail", VALID_ORGANISAATIO_TAILS)
def test_valid_organisaatio_oid(node: str, tail: str) -> None:
    assert is_valid_organisaatio_oid(f"1.2.246.562.{node}.{tail}")


def test_oph_root_is_a_valid_organisaatio_oid() -> None:
    assert is_valid_organisaatio_oid("1.2.246.562.10.00000000001")


@pytest.mark.parametrize("oid", INVALID_ORGANISAATIO_OIDS)
def test_invalid_organisaatio_oid(oid: str) -> None:
    assert not is_valid_organisaatio_oid(oid)


# --- Unicode digits -------------------------------------------------------------------------
# The original's regexes are Java regexes, where \d is [0-9] only.

ARABIC_INDIC_SIX = "\u0666"


@pytest.mark.parametrize(
    ("validator", "oid"),
    [
        (is_valid_opiskeluoikeus_oid, f"1.2.246.562.15.7{ARABIC_INDIC_SIX}811932037"),
        (is_valid_oppija_oid, "1.2.246.562.24.4\u0664651722625"),
        (is_valid_organisaatio_oid, f"1.2.246.562.10.9221448324{ARABIC_INDIC_SIX}"),
    ],
)
def test_non_ascii_digits_are_not_digits(validator: Callable[[str], bool], oid: str) -> None:
    assert not validator(oid)


# --- Y-tunnus -----------------------------------------------------------------------------

VALID_Y_TUNNUKSET = ["1234567-1", "1234561-2", "5523718-7", "1234565-5", "0206823-6", "7654321-2"]
INVALID_Y_TUNNUKSET = [
    "1234567-2",
    "7654321-8",
    "Ei y-tunnusta",
    "1234567-1 ",
    " 1234567-1",
    "12345671",
    "123456-1",
    "12345678-1",
    "1234567-11",
    "1234567_1",
    "",
]


@pytest.mark.parametrize("value", VALID_Y_TUNNUKSET)
def test_valid_y_tunnus(value: str) -> None:
    assert is_valid_y_tunnus(value)


@pytest.mark.parametrize("value", INVALID_Y_TUNNUKSET)
def test_invalid_y_tunnus(value: str) -> None:
    assert not is_valid_y_tunnus(value)


def test_y_tunnus_with_a_trailing_newline_is_refused() -> None:
    assert not is_valid_y_tunnus("1234567-1\n")


def _y_remainder(body: str) -> int:
    return sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11


@pytest.mark.parametrize("body", ["0000006", "0000014", "0000022", "0000030", "0000049"])
def test_y_tunnus_remainder_one_is_never_valid(body: str) -> None:
    assert _y_remainder(body) == 1
    assert not any(is_valid_y_tunnus(f"{body}-{check}") for check in range(10))
    with pytest.raises(ValueError, match=body):
        make_y_tunnus(body)


def test_y_tunnus_remainder_zero_means_check_digit_zero() -> None:
    assert _y_remainder("0000000") == 0
    assert make_y_tunnus("0000000") == "0000000-0"
    assert is_valid_y_tunnus("0000000-0")


# --- generators: round trips ---------------------------------------------------------------


def _random_body(rng: random.Random) -> str:
    return str(rng.randint(1_000_000_000, 9_999_999_999))


@pytest.mark.parametrize("node", ["15", "24", "98", "198", "298", "10"])
def test_make_oid_round_trip(node: str) -> None:
    rng = random.Random(f"oid-{node}")
    validator = {
        "15": is_valid_opiskeluoikeus_oid,
        "10": is_valid_organisaatio_oid,
    }.get(node, is_valid_oppija_oid)
    for _ in range(500):
        body = _random_body(rng)
        oid = make_oid(node, body)
        prefix, check = oid[:-1], int(oid[-1])
        assert prefix == f"1.2.246.562.{node}.{body}"
        expected = ibm_check_digit(body) if node == "24" else luhn_check_digit(body)
        assert check == expected
        assert validator(oid), oid
        if node == "10":
            continue  # organisations are shape-checked only
        for other in set(range(10)) - {check}:
            assert not validator(f"{prefix}{other}"), f"{prefix}{other}"
        # the legacy 12-digit form is valid exactly when the check digit is 0
        assert validator(f"{prefix}10") == (check == 0)


@pytest.mark.parametrize("body", ["0123456789", "123456789", "12345678901", "12345x7890", ""])
def test_make_oid_refuses_bad_bodies(body: str) -> None:
    with pytest.raises(ValueError, match="10 digits"):
        make_oid("15", body)


def test_make_y_tunnus_round_trip() -> None:
    rng = random.Random("y-tunnus")
    made = 0
    for _ in range(2000):
        body = f"{rng.randint(0, 9_999_999):07d}"
        if _y_remainder(body) == 1:
            with pytest.raises(ValueError, match=body):
                make_y_tunnus(body)
            continue
        value = make_y_tunnus(body)
        made += 1
        assert value[:8] == f"{body}-"
        assert is_valid_y_tunnus(value)
        check = int(value[-1])
        assert [d for d in range(10) if is_valid_y_tunnus(f"{body}-{d}")] == [check]
    assert made > 1500

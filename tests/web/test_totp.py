"""TOTP (accounts/totp.py) against the RFCs' own test vectors.

RFC 4226 Appendix D gives HOTP values for the ASCII key "12345678901234567890",
counters 0 to 9, six digits; RFC 6238 Appendix B gives TOTP values (SHA-1,
eight digits, 30 s steps) for the same key at six moments, with the step T.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from phocap.accounts import totp

KEY = b"12345678901234567890"
HOTP = ["755224", "287082", "359152", "969429", "338314",
        "254676", "287922", "162583", "399871", "520489"]
TOTP = [(59, 0x1, "94287082"), (1111111109, 0x23523EC, "07081804"),
        (1111111111, 0x23523ED, "14050471"), (1234567890, 0x273EF07, "89005924"),
        (2000000000, 0x3F940AA, "69279037"), (20000000000, 0x27BC86AA, "65353130")]


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(HOTP)))
def test_hotp_matches_rfc_4226(counter: int, expected: str) -> None:
    assert totp.hotp(KEY, counter) == expected


@pytest.mark.parametrize(("at", "step", "expected"), TOTP)
def test_totp_matches_rfc_6238(at: int, step: int, expected: str) -> None:
    assert totp.time_step(at) == step
    assert totp.totp(KEY, at, digits=8) == expected
    # The six-digit code apps show is the same number's last six digits.
    assert totp.totp(KEY, at) == expected[-6:]


def test_a_secret_is_base32_of_160_bits_and_reads_back_however_typed() -> None:
    secret = totp.new_secret()
    assert len(totp.decode(secret)) == 20 and secret != totp.new_secret()
    rfc = base64.b32encode(KEY).decode()
    assert rfc == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.decode(totp.grouped(rfc).lower()) == KEY


def test_the_uri_names_the_account_and_every_parameter() -> None:
    uri = urlparse(totp.provisioning_uri("GEZDGNBVGY3TQOJQ", "tinh.admin", "phocap"))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/phocap:tinh.admin"
    assert parse_qs(uri.query) == {"secret": ["GEZDGNBVGY3TQOJQ"], "issuer": ["phocap"],
                                   "algorithm": ["SHA1"], "digits": ["6"], "period": ["30"]}


def test_a_code_matches_its_step_and_the_neighbours_but_only_once() -> None:
    secret = base64.b32encode(KEY).decode()
    at = 1111111111  # step 0x23523ED
    assert totp.matching_step(secret, "050471", at) == 0x23523ED
    assert totp.matching_step(secret, "081804", at) == 0x23523EC  # 30 s ago: a late typist
    assert totp.matching_step(secret, "081804", at + 60) is None  # 90 s ago: too old
    assert totp.matching_step(secret, "050471", at, after=0x23523ED) is None  # already used
    assert totp.matching_step(secret, "05047", at) is None
    assert totp.matching_step(secret, "05O471", at) is None
    assert totp.matching_step(secret, " 050 471 ", at) == 0x23523ED

"""Time-based one-time passwords, RFC 6238 over HOTP (RFC 4226): HMAC-SHA-1, 30 s, 6 digits.

Written from the RFCs with the standard library only (hmac, struct, base32),
so the second factor depends on no package that could change underneath it;
tests/web/test_totp.py checks the RFCs' own test vectors. These are the
parameters every authenticator app (Google Authenticator, FreeOTP, Aegis,
Microsoft Authenticator) assumes when an otpauth:// URI names none.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP = 30  # seconds (RFC 6238 §4.1, X)
DIGITS = 6
SECRET_BYTES = 20  # 160 bits, the length RFC 4226 §4 recommends for HMAC-SHA-1
DRIFT = 1  # steps either side accepted: a phone clock 30 s off, or a code typed late


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 §5.3: HMAC-SHA-1 of the 8-byte counter, dynamically truncated."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)


def time_step(at: float) -> int:
    """RFC 6238 §4.2: T = floor((now - T0) / X) with T0 = 0."""
    return int(at // STEP)


def totp(key: bytes, at: float, digits: int = DIGITS) -> str:
    return hotp(key, time_step(at), digits)


def new_secret() -> str:
    """A random secret as unpadded base32, the form authenticator apps take."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def decode(secret: str) -> bytes:
    """The key behind a base32 secret, however the user spaced or cased it."""
    text = secret.replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into a phone by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (the Key URI Format of Google
    Authenticator, the de-facto standard): label "issuer:account", parameters stated."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def matching_step(secret: str, code: str, at: float, after: int = 0) -> int | None:
    """The time step within DRIFT of ``at`` whose code is ``code``, if any is later than
    ``after`` (the last step accepted: a code is good once, RFC 6238 §5.2)."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = decode(secret)
    now = time_step(at)
    for step in range(now - DRIFT, now + DRIFT + 1):
        if step > after and hmac.compare_digest(hotp(key, step), code):
            return step
    return None

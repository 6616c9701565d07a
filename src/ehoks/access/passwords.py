"""Password hashing for the users of the built-in CAS: argon2id (RFC 9106 low-memory profile).

Hashes are self-describing PHC strings (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``), so the
parameters can be raised later: ``needs_rehash`` tells when a stored hash should be replaced
after a successful sign-in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# The hasher holds only its cost parameters (no state, thread-safe), so one per process is fine.
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """A fresh argon2id hash (random salt) of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False also for a malformed hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when ``password_hash`` was made with other parameters than the current ones."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("no such user: this hash only spends the same time as a real check")


def spend_verification_time(password: str) -> None:
    """Verify ``password`` against a dummy hash, so that an unknown user costs as much time
    as a known one (no user enumeration by timing)."""
    verify_password(_dummy_hash(), password)

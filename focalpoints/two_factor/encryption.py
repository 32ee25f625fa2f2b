"""Authenticator secrets encrypted at rest.

A TOTP secret must be read back to check a code, so it cannot be hashed; it is encrypted with
Fernet (AES-128-CBC and HMAC-SHA256) under a key derived by HKDF from TWO_FACTOR_ENCRYPTION_KEY,
or from SECRET_KEY when that is not set. A copy of the database (a backup, a dump) then holds
no usable secret without the key.

A stored value is "v1:" and a Fernet token. A value without the prefix is a secret stored before
encryption: it is still read, and encrypted at its next successful use or by
``focalpoints users encrypt-two-step-secrets``. To change the key, move the old one (or the old
SECRET_KEY) into TWO_FACTOR_OLD_KEYS: values under it are still read, and re-encrypted under the
new key in the same way.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "v1:"
_INFO = b"focalpoints two-step secrets v1"


class UnreadableSecret(Exception):
    """A stored secret that none of the configured keys opens."""


def _fernet(key: str | bytes) -> Fernet:
    material = key.encode() if isinstance(key, str) else key
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


def _current() -> Fernet:
    config = current_app.config
    return _fernet(config.get("TWO_FACTOR_ENCRYPTION_KEY") or config["SECRET_KEY"])


def _keys() -> MultiFernet:
    old = current_app.config.get("TWO_FACTOR_OLD_KEYS") or []
    if isinstance(old, str):  # one key, as an environment variable gives it
        old = [old]
    return MultiFernet([_current(), *(_fernet(key) for key in old if key)])


def encrypt(secret: str) -> str:
    """What is stored of ``secret``: encrypted under the current key."""
    return PREFIX + _keys().encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str:
    """The secret in a stored value: encrypted under any configured key, or a legacy plain one."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _keys().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as error:
        raise UnreadableSecret from error


def is_current(stored: str) -> bool:
    """Whether a stored value is encrypted under the current key (nothing to re-encrypt)."""
    if not stored.startswith(PREFIX):
        return False
    try:
        _current().decrypt(stored.removeprefix(PREFIX).encode())
    except InvalidToken:
        return False
    return True

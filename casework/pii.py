"""ID numbers at rest (个人信息保护法): encrypted, looked up by a keyed hash, keys outside the database.

A person's ID number is stored as three columns, never as plaintext:

- ``id_number_ciphertext``: ``v1:<key id>:<base64(nonce ‖ AES-256-GCM ciphertext ‖ tag)>``. The nonce
  is random per write; the key id names which of ``settings.CHENGXIN_PII_KEY`` (current) or
  ``CHENGXIN_PII_OLD_KEYS`` (retired, still readable during a rotation) encrypted it.
- ``id_number_hash``: HMAC-SHA256 of the normalised number under ``CHENGXIN_PII_HASH_KEY``: the
  unique constraint and every exact lookup. Without the key the column cannot be matched
  against the 10⁹-odd possible numbers.
- ``id_number_masked``: ``4419**********1234``, what every page shows anyway: masked display and
  the search by the last four digits need no key.

A ciphertext that does not decrypt (wrong key, unknown key id, altered bytes) raises
`PiiKeyError`: never a silent empty value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .identifiers import mask_id_number, normalise_id_number

VERSION = "v1"
#: Bound into every ciphertext: a value copied into another column does not decrypt there.
_CONTEXT = b"chengxin:person.id_number"


class PiiKeyError(ImproperlyConfigured):
    """A stored ID number cannot be decrypted with the configured keys."""


def _derive(secret: str, purpose: bytes) -> bytes:
    """A 32-byte key from the configured secret (any string of at least 32 characters)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"chengxin-pii:" + purpose)
    return hkdf.derive(secret.encode())


def _keys() -> dict[str, str]:
    return {**settings.CHENGXIN_PII_OLD_KEYS, settings.CHENGXIN_PII_KEY_ID: settings.CHENGXIN_PII_KEY}


def encrypt(plain: str, *, key_id: str | None = None) -> str:
    key_id = key_id or settings.CHENGXIN_PII_KEY_ID
    if ":" in key_id:
        raise ImproperlyConfigured("CHENGXIN_PII_KEY_ID must not contain ':'.")
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(_keys()[key_id], b"encrypt")).encrypt(nonce, plain.encode(), _CONTEXT)
    return f"{VERSION}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1] if token.count(":") >= 2 else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    version, key_id, body = [*token.split(":", 2), "", ""][:3]
    if version != VERSION:
        raise PiiKeyError(f"Stored ID number has an unknown format ({version!r}).")
    secret = _keys().get(key_id)
    if secret is None:
        raise PiiKeyError(
            f"Stored ID number was encrypted with key id {key_id!r}, which is neither CHENGXIN_PII_KEY_ID "
            "nor in CHENGXIN_PII_OLD_KEYS."
        )
    raw = base64.b64decode(body)
    try:
        return AESGCM(_derive(secret, b"encrypt")).decrypt(raw[:12], raw[12:], _CONTEXT).decode()
    except InvalidTag:
        raise PiiKeyError(
            f"Stored ID number does not decrypt with the key of id {key_id!r}: wrong CHENGXIN_PII_KEY or "
            "altered data."
        ) from None


def lookup_hash(raw: str) -> str:
    """The keyed hash of a number as typed (normalised first: spaces, full-width, lower-case x)."""
    key = _derive(settings.CHENGXIN_PII_HASH_KEY, b"lookup")
    return hmac.new(key, normalise_id_number(raw).encode(), hashlib.sha256).hexdigest()


def columns(raw: str) -> dict[str, str | None]:
    """The stored columns of a number: what a model, a migration or raw SQL writes."""
    number = normalise_id_number(raw)
    if not number:
        return {"id_number_ciphertext": "", "id_number_hash": None, "id_number_masked": ""}
    return {
        "id_number_ciphertext": encrypt(number),
        "id_number_hash": lookup_hash(number),
        "id_number_masked": mask_id_number(number),
    }

"""Reply addresses at rest: sealed with AES-GCM so a Redis dump reveals no chat id.

Haven must sometimes write to a survivor without a fresh update from them (the auto-erase
sweeper, an advocate's reply). It therefore keeps their channel address, but only encrypted
with a key derived from ``HAVEN_SECRET_KEY`` and bound to the session id (associated data), so
a sealed address copied to another session does not open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


class AddressBox:
    """Seal and open channel addresses for one deployment's key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AddressBox needs a 32-byte key")
        self._aead = AESGCM(key)

    def seal(self, sid: str, address: str) -> bytes:
        """Nonce + ciphertext; a fresh nonce every time, so equal addresses look different."""
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, address.encode(), sid.encode())

    def open(self, sid: str, sealed: bytes) -> str | None:
        """The address, or None when the blob is damaged, foreign or from another key."""
        if len(sealed) <= _NONCE:
            return None
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], sid.encode()).decode()
        except (InvalidTag, UnicodeDecodeError):
            return None

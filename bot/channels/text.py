"""Turning Haven's Telegram-HTML replies into plain text for places without markup."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.S)


def plain(text: str) -> str:
    """Tags removed, links written out as ``label (url)``, entities decoded."""
    text = _LINK.sub(lambda m: m.group(2) if m.group(1) in m.group(2) else f"{m.group(2)} ({m.group(1)})", text)
    return html.unescape(_TAG.sub("", text))

"""Babel extractor for flow YAML: collects node texts, button labels and keyword lists.

Each message gets the gettext context the engine uses at run time (``flow.node`` for a text,
``flow.node.button`` for a label, ``safety:`` in front for safety-critical nodes) and the
author's ``note`` as a translator comment, so translators see where and why a text appears.
Registered for ``flows/*.yaml`` in the extraction mapping (see ``bot/tools/locales.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from bot import yamlsrc

KEYWORDS_COMMENT = (
    "Words or short phrases that choose this option when typed, separated by |. "
    "Add common ways to say it in your language."
)


def _prefix(raw_node: dict, flow_safety: bool) -> str:
    return "safety:" if bool(raw_node.get("safety", flow_safety)) else ""


def extract_flow(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Yield ``(line, "pgettext", (context, text), comments)`` for every text of one flow file."""
    raw = yamlsrc.parse(fileobj, getattr(fileobj, "name", "flow"))
    if not isinstance(raw, dict) or not isinstance(raw.get("flow"), str):
        return
    flow = raw["flow"]
    flow_safety = bool(raw.get("safety", False))
    for node in raw.get("nodes") or []:
        if not isinstance(node, yamlsrc.Mapping) or not isinstance(node.get("id"), str):
            continue
        context = f"{_prefix(node, flow_safety)}{flow}.{node['id']}"
        note = [str(node["note"]).strip()] if node.get("note") else []
        text = node.get("text")
        if isinstance(text, str) and text.strip():
            yield node.line_of("text"), "pgettext", (context, text.strip()), note
        for button in node.get("buttons") or []:
            if isinstance(button, yamlsrc.Mapping) and isinstance(button.get("label"), str):
                yield button.line_of("label"), "pgettext", (f"{context}.{button.get('id')}", button["label"].strip()), [
                    f"Button label (keep it short). {note[0] if note else ''}".strip()
                ]
        for rule in node.get("input") or []:
            if isinstance(rule, yamlsrc.Mapping) and isinstance(rule.get("keywords"), str):
                yield rule.line_of("keywords"), "pgettext", (f"{context}.{rule.get('id')}", rule["keywords"].strip()), [
                    KEYWORDS_COMMENT
                ]

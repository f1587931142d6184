"""What the survivor and the advocates read during a hand-off: pure builders of replies.

Survivor-facing texts use the survivor's translator; texts needed to get help now (fallbacks,
a broken relay) have ``safety:`` contexts. Advocate-facing texts go through the operator's
translator ("en" by default): advocates read the group in the operator's language. Keyboards
carry stable ids only: engine ids (``person.waiting|cancel``) for the survivor, and
``case|<action>|<code>`` for the advocates' buttons.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from bot.channels.style import discreet, discreet_first_line
from bot.engine.contract import CASE_ENDED, CASE_PREVIEW, CASE_WAITING, CHANGE_LINE, END_CASE, SEND_LINE, SKIP_LINE
from bot.engine.model import EXIT, HOME, Reply, ReplyButton
from bot.escalation.config import Advocate
from bot.escalation.policy import Availability
from bot.i18n import Translator

MAX_FIRST_LINE = 500  # characters of the survivor's first line shown on the card
MAX_TOPIC_NAME = 128  # Telegram's limit for forum topic names
CASE_DATA = "case"  # callback prefix of the desk's own buttons


def case_data(action: str, code: str) -> str:
    return f"{CASE_DATA}|{action}|{code}"


def parse_case_data(data: str | None) -> tuple[str, str] | None:
    """``(action, code)`` from ``case|<action>|<code>``; None for anything else."""
    parts = (data or "").split("|")
    if len(parts) != 3 or parts[0] != CASE_DATA:
        return None
    return parts[1], parts[2]


def first_line(text: str | None) -> str:
    """The survivor's line as it may be shown and sent: trimmed and at most 500 characters."""
    line = " ".join((text or "").split())
    return line if len(line) <= MAX_FIRST_LINE else line[: MAX_FIRST_LINE - 1] + "…"


TOPIC_VALUES = ("situation", "need")  # session values that name what the survivor asked about
_CHOICE = re.compile(r"^[A-Za-z_]{1,24}$")  # values from the flows' closed sets, never free text


def summary(values: Mapping[str, str]) -> tuple[str, str]:
    """``(topics, path)`` from the survivor's choices: ``trafficking`` and
    ``situation: trafficking · need: safe_place · country: ES``. Anything that is not a plain
    choice id is left out, so nothing a survivor typed can reach the advocates this way.
    """
    chosen = {name: values[name] for name in (*TOPIC_VALUES, "country") if _CHOICE.match(values.get(name, ""))}
    topics = ", ".join(chosen[name] for name in TOPIC_VALUES if name in chosen)
    path = " · ".join(f"{name}: {value}" for name, value in chosen.items())
    return topics, path


def topic_name(code: str, lang: str, topics: str) -> str:
    """``K7QF · es · trafficking``: what advocates see in the topic list."""
    name = " · ".join(part for part in (code, lang, topics) if part)
    return name[:MAX_TOPIC_NAME]


def _exit_row(tr: Translator) -> tuple[ReplyButton, ...]:
    return (ReplyButton(tr.label("safety:nav.exit", "Exit"), data=EXIT),)


# ----------------------------------------------------------------------------- survivor


def preview(tr: Translator, line: str) -> Reply:
    """The survivor's line echoed back with Send / Change / Skip (the text is read from here)."""
    rows = (
        (ReplyButton(tr.label("person.line.send", "Send"), data=SEND_LINE),),
        (
            ReplyButton(tr.label("person.line.again", "Change"), data=CHANGE_LINE),
            ReplyButton(tr.label("person.line.skip", "Skip"), data=SKIP_LINE),
        ),
        (ReplyButton(tr.label("nav.menu", "Menu"), data=HOME), *_exit_row(tr)),
    )
    return Reply(text=html.escape(line, quote=False), buttons=rows, node=CASE_PREVIEW, direction=tr.direction)


def _case_keyboard(tr: Translator, live: bool) -> tuple[tuple[ReplyButton, ...], ...]:
    stop = tr.label("person.end_chat", "End chat") if live else tr.label("person.stop_waiting", "Stop waiting")
    return ((ReplyButton(stop, data=END_CASE), *_exit_row(tr)),)


def queued(tr: Translator, position: int) -> Reply:
    """"You are number N in line" (edited in place when the number changes)."""
    text = tr.pgettext(
        "person.queued",
        "You are number <b>{position}</b> in line. An advocate will join this chat as soon as one is free.\n"
        "While you wait, what you write here goes to the advocates' private thread for your case.",
        position=position,
    )
    return Reply(text=text, node=CASE_WAITING, direction=tr.direction)


def advocate_here(tr: Translator, alias: str) -> Reply:
    if alias:
        text = tr.pgettext(
            "person.advocate_here_alias",
            "<b>An advocate is here: {alias}.</b> Write whenever you are ready; their answers appear in this chat.",
            alias=alias,
        )
    else:
        text = tr.pgettext(
            "person.advocate_here",
            "<b>An advocate is here.</b> Write whenever you are ready; their answers appear in this chat.",
        )
    return Reply(text=text, buttons=_case_keyboard(tr, True), node="person.live", direction=tr.direction)


def live_keyboard(tr: Translator) -> tuple[tuple[ReplyButton, ...], ...]:
    """End chat and Exit, attached to every advocate message so both are one tap away."""
    return _case_keyboard(tr, True)


_UNHIDEABLE = re.compile(r"</?(?:code|pre|blockquote)\b[^>]*>")  # Telegram cannot nest these in a spoiler


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def hidden(tr: Translator, body_html: str, plain: str, limit: int) -> str:
    """An advocate's words in the extra-discreet style: Haven's bland first line, then the words
    behind a tap, so a lock screen or the chat list never shows what the advocate wrote.

    Code, preformatted and quoted parts keep their words but lose that formatting (a spoiler may
    not contain code, and quotes may not be nested). When the first line would push the text past Telegram's ``limit``
    (``plain`` is the words as the advocate sent them), it is left out: the spoiler alone
    still hides everything.
    """
    body = _UNHIDEABLE.sub("", body_html)
    if _utf16_length(discreet_first_line(tr)) + 1 + _utf16_length(plain) > limit:
        return f"<tg-spoiler>{body}</tg-spoiler>"
    return discreet(Reply(text=body), tr).text


def ended_by_advocate(tr: Translator) -> Reply:
    text = tr.pgettext(
        "person.ended_by_advocate",
        "The advocate has ended the chat. Thank you for writing. You can come back any time.",
    )
    return _with_menu(tr, text, CASE_ENDED)


def _with_menu(tr: Translator, text: str, node: str) -> Reply:
    rows = ((ReplyButton(tr.label("nav.menu", "Menu"), data=HOME), *_exit_row(tr)),)
    return Reply(text=text, buttons=rows, node=node, direction=tr.direction)


def fallback(tr: Translator, reason: str, emergency: str, keep_waiting_code: str | None = None) -> Reply:
    """The honest answer when no advocate can take the case, with the numbers that help now.

    ``reason``: ``closed`` (office hours), ``no_desk``, ``unreachable`` (the group failed),
    ``no_claim`` (the wait ran out) or ``lost`` (Redis lost the case or the relay broke).
    ``keep_waiting_code`` offers Keep waiting (only while office hours allow it).
    """
    if reason == Availability.CLOSED.value:
        head = tr.pgettext(
            "safety:person.closed", "Advocates are not on duty right now, so no one can answer here at the moment."
        )
    elif reason == "no_claim":
        head = tr.pgettext("safety:person.no_claim", "I'm sorry: no advocate has been able to answer yet.")
    elif reason == "lost":
        head = tr.pgettext(
            "safety:person.lost",
            "The connection to the advocate was lost, so your last message was not delivered. The chat has ended.",
        )
    else:
        head = tr.pgettext("safety:person.unavailable", "I'm sorry: right now no advocate can answer here.")
    parts = [head, emergency]
    if keep_waiting_code:
        parts.append(tr.pgettext("safety:person.keep_waiting_hint", "You can keep waiting for an advocate, or stop here."))
        rows: tuple[tuple[ReplyButton, ...], ...] = (
            (ReplyButton(tr.label("person.keep_waiting", "Keep waiting"), data=case_data("wait", keep_waiting_code)),),
            (ReplyButton(tr.label("person.stop_waiting", "Stop waiting"), data=END_CASE), *_exit_row(tr)),
        )
        return Reply(text="\n\n".join(parts), buttons=rows, node=CASE_WAITING, direction=tr.direction)
    return _with_menu(tr, "\n\n".join(parts), "person.fallback")


def no_desk(tr: Translator, emergency: str) -> Reply:
    """The answer where no advocates' desk exists (the terminal chat, or none configured)."""
    return fallback(tr, Availability.NO_DESK.value, emergency)


def media_not_relayed(tr: Translator) -> Reply:
    text = tr.pgettext(
        "person.media_not_relayed",
        "Photos, voice messages and files are not passed on here. Your file was not sent. Please write instead.",
    )
    return Reply(text=text, node=CASE_WAITING, direction=tr.direction)


def not_delivered(tr: Translator) -> Reply:
    text = tr.pgettext("person.not_delivered", "That message could not be delivered just now. Please send it again in a moment.")
    return Reply(text=text, node=CASE_WAITING, direction=tr.direction)


# ----------------------------------------------------------------------------- advocates


def desk_keyboard(tr: Translator, code: str, live: bool) -> tuple[tuple[ReplyButton, ...], ...]:
    """Claim · Close on a waiting case; Transfer · Close on a claimed one."""
    first = (
        ReplyButton(tr.label("advocates.transfer", "Transfer"), data=case_data("transfer", code))
        if live
        else ReplyButton(tr.label("advocates.claim", "Claim"), data=case_data("claim", code))
    )
    return ((first, ReplyButton(tr.label("advocates.close", "Close"), data=case_data("close", code))),)


def _mention(advocate: Advocate, tr: Translator) -> str:
    name = html.escape(advocate.alias or tr.label("advocates.unnamed", "advocate"), quote=False)
    return f'<a href="tg://user?id={advocate.user_id}">{name}</a>'


def card(
    tr: Translator, code: str, lang: str, path: str, since: datetime, line: str, speakers: Iterable[Advocate]
) -> Reply:
    """The case card at the top of its topic: no name, username, phone or id of the survivor."""
    parts = [
        tr.pgettext("advocates.card_title", "<b>Case {code}</b>", code=code),
        tr.pgettext("advocates.card_language", "Language: {lang}", lang=lang),
        tr.pgettext("advocates.card_path", "Path: {path}", path=path or "—"),
        tr.pgettext(
            "advocates.card_since", "Waiting since: {time} ({zone})",
            time=since.strftime("%H:%M"), zone=str(since.tzinfo),
        ),  # fmt: skip
    ]
    if line:
        parts.append(tr.pgettext("advocates.card_line", "First line: <i>{line}</i>", line=line))
    else:
        parts.append(tr.pgettext("advocates.card_no_line", "First line: (none)"))
    mentions = [_mention(a, tr) for a in speakers]
    if mentions:
        parts.append(tr.pgettext("advocates.card_speakers", "Speaks {lang}:", lang=lang) + " " + ", ".join(mentions))
    parts.append(
        tr.pgettext(
            "advocates.card_rules",
            "<i>Claim the case, then write in this topic: only the messages of the advocate holding the case "
            "reach the survivor, sent by the bot.</i>",
        )
    )
    parts.append(
        tr.pgettext(
            "advocates.card_lock_screen",
            "<i>The first line of each message shows on the survivor's lock screen: begin with a neutral greeting.</i>",
        )
    )
    return Reply(text="\n".join(parts), buttons=desk_keyboard(tr, code, False), node="advocates.card")


def desk_notice(tr: Translator, kind: str, who: str = "", minutes: int = 0) -> str:
    """One line posted in a case topic when something happens to the case."""
    if kind == "claimed":
        return tr.pgettext("advocates.claimed", "✅ Claimed by {who}. Only their messages here reach the survivor.", who=who)
    if kind == "transferred":
        return tr.pgettext(
            "advocates.transferred",
            "↩️ {who} handed the case back to the queue. Leave notes for the next advocate here: nothing reaches "
            "the survivor until someone claims the case. The survivor is not greeted again.",
            who=who,
        )
    if kind == "closed":
        return tr.pgettext("advocates.closed", "Case closed by {who}.", who=who)
    if kind == "survivor_ended":
        return tr.pgettext("advocates.survivor_ended", "The survivor ended the chat. Case closed.")
    if kind == "survivor_gone":
        return tr.pgettext(
            "advocates.survivor_gone",
            "The survivor can no longer be reached (they left, blocked the bot or the chat expired). Case closed.",
        )
    if kind == "hours_ended":
        return tr.pgettext(
            "advocates.hours_ended",
            "Office hours ended before anyone claimed this case; the survivor was shown the 24/7 lines. Case closed.",
        )
    if kind == "topic_gone":
        return tr.pgettext(
            "advocates.topic_gone",
            "The case topic was deleted or cannot be reached, so the survivor's message was not delivered. "
            "They were told and shown the 24/7 lines. Case closed.",
        )
    if kind == "no_claim":
        return tr.npgettext(
            "advocates.no_claim",
            "⏰ Nobody claimed this case within {n} minute; the survivor was shown the 24/7 lines.",
            "⏰ Nobody claimed this case within {n} minutes; the survivor was shown the 24/7 lines.",
            minutes,
        )
    if kind == "claim_first":
        return tr.pgettext("advocates.claim_first", "Not sent: only the advocate holding this case can write to the survivor.")
    if kind == "not_delivered":
        return tr.pgettext("advocates.not_delivered", "Not delivered (Telegram asked Haven to slow down). Please send it again.")
    if kind == "refused":
        return tr.pgettext(
            "advocates.refused",
            "Not delivered: Telegram refused this message (too long, or formatting it cannot show). "
            "Please send it again as shorter plain text.",
        )
    if kind == "discreet_media":
        return tr.pgettext(
            "advocates.discreet_media",
            "Not sent: this survivor chose extra-discreet messages, and this kind of file would show its name or "
            "content on their lock screen. Send text, a photo, a video or a voice message instead.",
        )
    if kind == "media_off":
        return tr.pgettext("advocates.media_off", "Not sent: files and media are not relayed on this desk. Please write text.")
    raise ValueError(f"unknown notice {kind!r}")


def in_general(tr: Translator, code: str, notice: str) -> str:
    """A notice for the General topic about a case whose own topic was deleted."""
    return tr.pgettext("advocates.case_prefix", "Case <b>{code}</b>:", code=code) + " " + notice


def refusal_text(tr: Translator, reason: str) -> str:
    """The short alert an advocate sees when a button press is refused."""
    if reason == "not_advocate":
        return tr.label("advocates.refused_not_advocate", "Only advocates on Haven's list can do this.")
    if reason == "taken":
        return tr.label("advocates.refused_taken", "Another advocate already holds this case.")
    if reason == "not_holder":
        return tr.label("advocates.refused_not_holder", "Only the advocate holding this case can do this.")
    return tr.label("advocates.refused_no_case", "This case is no longer open.")

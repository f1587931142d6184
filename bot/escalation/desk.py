"""What the advocates' desk does, decided without Telegram or Redis.

Each function takes what is known about a case (its state, whose session it belongs to, the
desk's rules and hours) and what a survivor or an advocate just did, and returns a typed
decision. :mod:`bot.escalation.handoff` carries the decisions out with the case store and the
Bot API; nothing here sends, stores or reads a clock, so every rule is testable on its own.
Who may act at all is :mod:`bot.escalation.policy`'s question; this module asks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum

from telegram.constants import MessageLimit

from bot.channels.sending import Delivery
from bot.escalation import replies
from bot.escalation.cases import WAITING, Case
from bot.escalation.config import Advocate, DeskConfig
from bot.escalation.policy import Availability, Refusal, refusal
from bot.i18n import Translator

MAX_POSITION_UPDATES = 20  # waiting survivors whose "number N in line" is kept current


class CloseReason(StrEnum):
    """Why a case closes; the value is the notice kind advocates read (``replies.desk_notice``)."""

    CLOSED = "closed"  # an advocate pressed Close
    SURVIVOR_ENDED = "survivor_ended"  # End chat, Stop waiting, Exit, Forget or auto-erase
    SURVIVOR_GONE = "survivor_gone"  # blocked the bot, left, or the session expired
    HOURS_ENDED = "hours_ended"  # office hours ended before anyone claimed the case
    TOPIC_GONE = "topic_gone"  # the case topic was deleted: the survivor's message went nowhere


class Notice(StrEnum):
    """A line posted in a case topic while the case goes on (``replies.desk_notice`` kinds)."""

    CLAIMED = "claimed"
    TRANSFERRED = "transferred"
    NO_CLAIM = "no_claim"
    CLAIM_FIRST = "claim_first"  # someone who does not hold the case wrote in its topic
    MEDIA_OFF = "media_off"  # a file, on a desk that relays words only
    NOT_DELIVERED = "not_delivered"  # a flood wait or a passing error: send it again
    REFUSED = "refused"  # Telegram will not take the message as it is
    DISCREET_MEDIA = "discreet_media"  # would show its name or content on a lock screen


class DeskAction(StrEnum):
    """The buttons on a case card (``case|<action>|<code>``)."""

    CLAIM = "claim"
    TRANSFER = "transfer"
    CLOSE = "close"


@dataclass(frozen=True)
class Deliver:
    """Send the message on: within ``case``, to or from its forum topic ``thread``."""

    case: Case
    thread: int


# ----------------------------------------------------------------------------- survivor


class Opening(Enum):
    """What happens when a survivor asks for a person."""

    OPEN = "open"  # a new case: a topic with its card, and "number N in line"
    ALREADY_OPEN = "already_open"  # a double tap: the case is open, nothing more happens
    FALLBACK = "fallback"  # the desk cannot take cases now: the honest answer and the numbers


def opening(state: Availability, open_case: Case | None) -> Opening:
    """``state`` is the desk's availability now; ``open_case`` the case the session names, if it still exists."""
    if state is not Availability.OPEN:
        return Opening.FALLBACK
    return Opening.ALREADY_OPEN if open_case is not None else Opening.OPEN


def own_case(sid: str, case: Case | None) -> Case | None:
    """``case`` if it belongs to session ``sid``: a survivor can only end or lose their own case."""
    return case if case is not None and case.sid == sid else None


@dataclass(frozen=True)
class Withheld:
    """A file sent during ``case`` on a desk that relays words only: the survivor is asked to write."""

    case: Case


@dataclass(frozen=True)
class Lost:
    """The case is gone, belongs to someone else or has no topic: the survivor is told plainly and
    shown the 24/7 lines; ``case`` is what is left of their own case, to close."""

    case: Case | None


def survivor_writes(desk: DeskConfig, sid: str, case: Case | None, *, text: bool) -> Deliver | Withheld | Lost:
    """A message from session ``sid`` (``text``: words, not a file) during ``case``, the case the
    session names (None when Redis no longer has it)."""
    mine = own_case(sid, case)
    if mine is None or mine.thread is None:
        return Lost(mine)
    return Deliver(mine, mine.thread) if text or desk.relay_media else Withheld(mine)


class SurvivorRelayed(Enum):
    """What the survivor is told once their message went (or did not go) to the topic."""

    DELIVERED = "delivered"  # nothing: the case goes on
    SEND_AGAIN = "send_again"  # "could not be delivered just now"
    TOPIC_GONE = "topic_gone"  # the advocates' topic no longer exists: the case ends


def survivor_relayed(delivery: Delivery) -> SurvivorRelayed:
    if delivery is Delivery.SENT:
        return SurvivorRelayed.DELIVERED
    return SurvivorRelayed.TOPIC_GONE if delivery is Delivery.GONE else SurvivorRelayed.SEND_AGAIN


@dataclass(frozen=True)
class KeepWaiting:
    """Keep waiting for ``case``: a new deadline and the same place in line while the desk is
    open; once office hours ended, the case closes and the survivor is shown the 24/7 lines."""

    case: Case
    desk_open: bool


def keep_waiting(sid: str, case: Case | None, state: Availability) -> KeepWaiting | None:
    """The survivor pressed Keep waiting (offered when nobody claimed their case in time); None
    when that request is no longer open (the case closed, was claimed, or is not theirs)."""
    mine = own_case(sid, case)
    if mine is None or mine.state != WAITING:
        return None
    return KeepWaiting(mine, state is Availability.OPEN)


class WaitRanOut(Enum):
    """Nobody claimed a case before its wait ran out (a survivor who cannot be reached any more
    is not told anything: their case simply closes)."""

    OFFER_MORE = "offer_more"  # the survivor is offered other help or Keep waiting; advocates are told
    HOURS_ENDED = "hours_ended"  # the desk has closed: other help only, and the case closes


def wait_ran_out(state: Availability) -> WaitRanOut:
    return WaitRanOut.OFFER_MORE if state is Availability.OPEN else WaitRanOut.HOURS_ENDED


def positions_to_update(waiting: Iterable[Case]) -> list[tuple[int, Case, int]]:
    """``(position, case, message id)`` for every "number N in line" message that shows the wrong number.

    Only the first :data:`MAX_POSITION_UPDATES` are kept current; a case without such a message,
    or whose survivor was already greeted by an advocate, has nothing to edit.
    """
    changed: list[tuple[int, Case, int]] = []
    for position, case in enumerate(waiting, start=1):
        if position > MAX_POSITION_UPDATES:
            break
        if case.position != position and case.status is not None and not case.greeted:
            changed.append((position, case, case.status))
    return changed


# ----------------------------------------------------------------------------- advocates


def advocate_writes(
    desk: DeskConfig, user_id: int, thread: int, case: Case | None, *, holder: bool, text: bool
) -> Deliver | Notice | None:
    """A message in topic ``thread`` of ``case`` (``holder``: ``user_id`` claimed it; ``text``:
    words, not a file): sent on, answered with a notice that it was not, or None when it is the
    group's own conversation (not an advocate, or no open case in this topic)."""
    refused = refusal(desk, "reply", user_id, thread, case, holder=holder)
    if refused in (Refusal.NOT_ADVOCATE, Refusal.NO_CASE) or case is None:
        return None
    if refused is not None:
        return Notice.CLAIM_FIRST
    return Deliver(case, thread) if text or desk.relay_media else Notice.MEDIA_OFF


def advocate_relayed(delivery: Delivery) -> Notice | CloseReason | None:
    """After an advocate's message was sent on: None when it arrived, the notice that tells the
    advocate it did not, or why the case closes (the survivor blocked Haven or left)."""
    if delivery is Delivery.SENT:
        return None
    if delivery is Delivery.GONE:
        return CloseReason.SURVIVOR_GONE
    return Notice.REFUSED if delivery is Delivery.REFUSED else Notice.NOT_DELIVERED


@dataclass(frozen=True)
class Allowed:
    """A card button the desk carries out on ``case`` (in its topic ``thread``) for ``advocate``,
    who is named ``who`` in the topic."""

    action: DeskAction
    case: Case
    thread: int
    advocate: Advocate
    who: str


@dataclass(frozen=True)
class Refused:
    """A card button that does nothing but show the advocate ``reason`` (``replies.refusal_text``)."""

    reason: str


def press(
    desk: DeskConfig,
    data: str | None,
    user_id: int,
    first_name: str,
    thread: int | None,
    case: Case | None,
    *,
    holder: bool,
) -> Allowed | Refused | None:
    """A button pressed in the advocates' group; None when it is not a case button at all.

    ``case`` is the case of the topic the button was pressed in: a button only ever acts on
    that case, whatever code it names.
    """
    parsed = replies.parse_case_data(data)
    if parsed is None or parsed[0] not in tuple(DeskAction):
        return None
    action, code = DeskAction(parsed[0]), parsed[1]
    refused = refusal(desk, action, user_id, thread, case, holder=holder, named_code=code)
    advocate = desk.advocate(user_id)
    if refused is not None or advocate is None or case is None or thread is None:
        return Refused((refused or Refusal.NO_CASE).value)
    return Allowed(action, case, thread, advocate, advocate.alias or first_name)


# ----------------------------------------------------------------------------- extra-discreet relays


class Media(Enum):
    """Media an extra-discreet survivor can receive hidden: blurred (spoiler) or, for voice, silent."""

    PHOTO = "photo"
    VIDEO = "video"
    ANIMATION = "animation"
    VOICE = "voice"


@dataclass(frozen=True)
class Written:
    """An advocate's message as the desk sees it: its words and what is attached."""

    text: str | None = None  # a text message's words as typed (None for media)
    html: str | None = None  # the same words with their formatting
    caption: str | None = None
    caption_html: str | None = None
    media: Media | None = None  # an attachment that can be hidden (None: none, or one that cannot)
    file_id: str = ""  # of that attachment


@dataclass(frozen=True)
class MediaPart:
    """Send ``media`` anew by its file id (hidden behind a tap where Telegram allows it)."""

    media: Media
    file_id: str


@dataclass(frozen=True)
class TextPart:
    """Send this HTML text: the advocate's words behind a tap."""

    html: str


def hidden_parts(written: Written, tr: Translator) -> tuple[MediaPart | TextPart, ...] | None:
    """The messages that carry ``written`` to an extra-discreet survivor; None when it cannot be
    hidden (a document's file name, a contact or a place would show on the lock screen).

    A copy cannot change a message, so it is sent anew: the photo, video, animation or voice by
    its file id, then the words (the text, or the caption) as one text behind a tap.
    """
    parts: list[MediaPart | TextPart] = []
    if written.media is not None:
        parts.append(MediaPart(written.media, written.file_id))
    elif written.text is None:
        return None
    words, plain = (written.html, written.text) if written.text is not None else (written.caption_html, written.caption)
    if plain:
        parts.append(TextPart(replies.hidden(tr, words or "", plain, MessageLimit.MAX_TEXT_LENGTH)))
    return tuple(parts)

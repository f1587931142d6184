"""The advocates' desk decides without Telegram: what survivors and advocates would notice."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bot.channels.sending import Delivery
from bot.escalation import replies
from bot.escalation.cases import LIVE, WAITING, Case
from bot.escalation.config import parse_desk
from bot.escalation.desk import (
    Allowed,
    CloseReason,
    Deliver,
    DeskAction,
    KeepWaiting,
    Lost,
    Media,
    MediaPart,
    Notice,
    Opening,
    Refused,
    SurvivorRelayed,
    TextPart,
    WaitRanOut,
    Withheld,
    Written,
    advocate_relayed,
    advocate_writes,
    hidden_parts,
    keep_waiting,
    opening,
    positions_to_update,
    press,
    survivor_relayed,
    survivor_writes,
    wait_ran_out,
)
from bot.escalation.policy import Availability
from bot.i18n import ENGLISH

MARIA, LEO, STRANGER = 1, 2, 999
DESK = parse_desk({"group_id": -100, "advocates": [{"id": MARIA, "alias": "Maria"}, LEO]})
MEDIA_DESK = replace(DESK, relay_media=True)
SID, OTHER_SID = "session-of-the-survivor", "someone-else"
TOPIC = 50
WAITING_CASE = Case(code="K7QF", sid=SID, lang="es", topics="", state=WAITING, since=0, due=0, thread=TOPIC, card=7)
LIVE_CASE = replace(WAITING_CASE, state=LIVE, advocate="tag-of-maria", alias="Maria")


# ----------------------------------------------------------------------------- asking for a person


def test_asking_for_a_person_opens_a_case_once() -> None:
    assert opening(Availability.OPEN, None) is Opening.OPEN
    assert opening(Availability.OPEN, WAITING_CASE) is Opening.ALREADY_OPEN, "a double tap opens no second case"


@pytest.mark.parametrize("state", [Availability.CLOSED, Availability.NO_DESK])
def test_a_desk_that_cannot_take_cases_gives_the_honest_fallback(state: Availability) -> None:
    assert opening(state, None) is Opening.FALLBACK
    assert opening(state, WAITING_CASE) is Opening.FALLBACK


# ----------------------------------------------------------------------------- the survivor writes


def test_the_survivors_words_go_to_their_cases_topic() -> None:
    assert survivor_writes(DESK, SID, WAITING_CASE, text=True) == Deliver(WAITING_CASE, TOPIC)
    assert survivor_writes(DESK, SID, LIVE_CASE, text=True) == Deliver(LIVE_CASE, TOPIC)


def test_the_survivors_files_are_withheld_unless_the_desk_relays_media() -> None:
    assert survivor_writes(DESK, SID, LIVE_CASE, text=False) == Withheld(LIVE_CASE)
    assert survivor_writes(MEDIA_DESK, SID, LIVE_CASE, text=False) == Deliver(LIVE_CASE, TOPIC)


def test_a_case_that_is_gone_ends_the_chat_plainly() -> None:
    assert survivor_writes(DESK, SID, None, text=True) == Lost(None), "Redis lost the case: nothing to close"
    no_topic = replace(WAITING_CASE, thread=None)
    assert survivor_writes(DESK, SID, no_topic, text=True) == Lost(no_topic), "their own broken case is closed"


def test_a_message_never_reaches_another_survivors_case() -> None:
    theirs = replace(LIVE_CASE, sid=OTHER_SID)
    assert survivor_writes(DESK, SID, theirs, text=True) == Lost(None), "someone else's case is left alone"


def test_what_the_survivor_hears_after_their_message_was_relayed() -> None:
    assert survivor_relayed(Delivery.SENT) is SurvivorRelayed.DELIVERED
    assert survivor_relayed(Delivery.LATER) is SurvivorRelayed.SEND_AGAIN
    assert survivor_relayed(Delivery.REFUSED) is SurvivorRelayed.SEND_AGAIN
    assert survivor_relayed(Delivery.GONE) is SurvivorRelayed.TOPIC_GONE


# ----------------------------------------------------------------------------- waiting


def test_keep_waiting_while_the_desk_is_open_and_the_case_still_waits() -> None:
    assert keep_waiting(SID, WAITING_CASE, Availability.OPEN) == KeepWaiting(WAITING_CASE, desk_open=True)
    assert keep_waiting(SID, WAITING_CASE, Availability.CLOSED) == KeepWaiting(WAITING_CASE, desk_open=False)


def test_keep_waiting_on_a_request_that_is_no_longer_open() -> None:
    assert keep_waiting(SID, None, Availability.OPEN) is None, "the case is gone"
    assert keep_waiting(SID, LIVE_CASE, Availability.OPEN) is None, "an advocate claimed it meanwhile"
    assert keep_waiting(OTHER_SID, WAITING_CASE, Availability.OPEN) is None, "not their case"


def test_a_wait_that_runs_out_offers_more_only_while_the_desk_is_open() -> None:
    assert wait_ran_out(Availability.OPEN) is WaitRanOut.OFFER_MORE
    assert wait_ran_out(Availability.CLOSED) is WaitRanOut.HOURS_ENDED


def test_only_line_numbers_that_changed_are_edited() -> None:
    first = replace(WAITING_CASE, code="AAAA", status=11, position=1)
    moved_up = replace(WAITING_CASE, code="BBBB", status=12, position=3)
    no_message = replace(WAITING_CASE, code="CCCC", status=None, position=1)
    greeted = replace(WAITING_CASE, code="DDDD", status=14, position=1, greeted=True)
    assert positions_to_update([first, moved_up, no_message, greeted]) == [(2, moved_up, 12)]


def test_line_numbers_are_kept_current_for_the_first_twenty_only() -> None:
    queue = [replace(WAITING_CASE, code=f"Q{n:03}", status=n) for n in range(30)]
    assert [position for position, _, _ in positions_to_update(queue)] == list(range(1, 21))


# ----------------------------------------------------------------------------- advocates write


def test_the_holders_words_go_to_the_survivor() -> None:
    assert advocate_writes(DESK, MARIA, TOPIC, LIVE_CASE, holder=True, text=True) == Deliver(LIVE_CASE, TOPIC)


def test_files_from_the_holder_go_only_where_the_desk_relays_media() -> None:
    assert advocate_writes(DESK, MARIA, TOPIC, LIVE_CASE, holder=True, text=False) is Notice.MEDIA_OFF
    assert advocate_writes(MEDIA_DESK, MARIA, TOPIC, LIVE_CASE, holder=True, text=False) == Deliver(LIVE_CASE, TOPIC)


def test_an_advocate_who_does_not_hold_the_case_is_told_to_claim_first() -> None:
    assert advocate_writes(DESK, LEO, TOPIC, LIVE_CASE, holder=False, text=True) is Notice.CLAIM_FIRST
    assert advocate_writes(DESK, MARIA, TOPIC, WAITING_CASE, holder=False, text=True) is Notice.CLAIM_FIRST


def test_group_chatter_is_left_alone() -> None:
    assert advocate_writes(DESK, STRANGER, TOPIC, LIVE_CASE, holder=False, text=True) is None, "not an advocate"
    assert advocate_writes(DESK, MARIA, TOPIC, None, holder=False, text=True) is None, "a topic whose case is gone"


def test_what_the_advocate_hears_after_their_message_was_relayed() -> None:
    assert advocate_relayed(Delivery.SENT) is None
    assert advocate_relayed(Delivery.LATER) is Notice.NOT_DELIVERED
    assert advocate_relayed(Delivery.REFUSED) is Notice.REFUSED
    assert advocate_relayed(Delivery.GONE) is CloseReason.SURVIVOR_GONE, "a survivor who blocked Haven ends the case"


def test_every_notice_and_close_reason_is_a_line_advocates_can_read() -> None:
    for kind in (*Notice, *CloseReason):
        assert replies.desk_notice(ENGLISH, kind, who="Maria", minutes=10)


# ----------------------------------------------------------------------------- card buttons


def test_an_advocate_claims_a_waiting_case_under_their_alias() -> None:
    data = replies.case_data("claim", "K7QF")
    decision = press(DESK, data, MARIA, "Maria José", TOPIC, WAITING_CASE, holder=False)
    assert decision == Allowed(DeskAction.CLAIM, WAITING_CASE, TOPIC, DESK.advocates[MARIA], "Maria")
    unnamed = press(DESK, data, LEO, "Leo", TOPIC, WAITING_CASE, holder=False)
    assert isinstance(unnamed, Allowed) and unnamed.who == "Leo", "no alias: the first name Telegram shows the group"


def test_a_claimed_case_cannot_be_claimed_again() -> None:
    assert press(DESK, replies.case_data("claim", "K7QF"), LEO, "Leo", TOPIC, LIVE_CASE, holder=False) == Refused("taken")


def test_only_the_holder_transfers_and_anyone_closes_a_waiting_case() -> None:
    transfer, close = replies.case_data("transfer", "K7QF"), replies.case_data("close", "K7QF")
    assert isinstance(press(DESK, transfer, MARIA, "Maria", TOPIC, LIVE_CASE, holder=True), Allowed)
    assert press(DESK, transfer, LEO, "Leo", TOPIC, LIVE_CASE, holder=False) == Refused("not_holder")
    assert press(DESK, close, LEO, "Leo", TOPIC, LIVE_CASE, holder=False) == Refused("not_holder")
    closing = press(DESK, close, LEO, "Leo", TOPIC, WAITING_CASE, holder=False)
    assert isinstance(closing, Allowed) and closing.action is DeskAction.CLOSE


def test_buttons_refused_to_strangers_on_gone_cases_and_in_other_topics() -> None:
    claim = replies.case_data("claim", "K7QF")
    assert press(DESK, claim, STRANGER, "Eve", TOPIC, WAITING_CASE, holder=False) == Refused("not_advocate")
    assert press(DESK, claim, MARIA, "Maria", TOPIC, None, holder=False) == Refused("no_case")
    assert press(DESK, claim, MARIA, "Maria", TOPIC + 1, WAITING_CASE, holder=False) == Refused("wrong_topic")
    assert press(DESK, replies.case_data("claim", "ZZZZ"), MARIA, "Maria", TOPIC, WAITING_CASE, holder=False) == Refused(
        "wrong_topic"
    )


def test_other_buttons_in_the_group_do_nothing() -> None:
    for data in (None, "", "person.line|send", replies.case_data("wait", "K7QF"), replies.case_data("reply", "K7QF")):
        assert press(DESK, data, MARIA, "Maria", TOPIC, WAITING_CASE, holder=False) is None


# ----------------------------------------------------------------------------- extra-discreet relays


def test_an_advocates_words_reach_an_extra_discreet_survivor_behind_a_tap() -> None:
    parts = hidden_parts(Written(text="Hello, I am here", html="Hello, <b>I am here</b>"), ENGLISH)
    assert parts == (TextPart("Tap to read.\n<tg-spoiler>Hello, <b>I am here</b></tg-spoiler>"),)


def test_pictures_go_blurred_and_their_caption_behind_a_tap() -> None:
    photo = Written(caption="the address", caption_html="the <i>address</i>", media=Media.PHOTO, file_id="F1")
    assert hidden_parts(photo, ENGLISH) == (
        MediaPart(Media.PHOTO, "F1"),
        TextPart("Tap to read.\n<tg-spoiler>the <i>address</i></tg-spoiler>"),
    )
    assert hidden_parts(Written(media=Media.VOICE, file_id="V1"), ENGLISH) == (MediaPart(Media.VOICE, "V1"),)


def test_files_that_would_show_their_name_are_not_sent_hidden() -> None:
    assert hidden_parts(Written(caption="my_file.pdf"), ENGLISH) is None, "a document, with or without caption"
    assert hidden_parts(Written(), ENGLISH) is None, "a contact, a place, a sticker"

"""Buttons under someone else's words: marked so the answer never replaces those words."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.channels.telegram import KEEP, button_data, editable, keyboard
from bot.engine.model import Reply, ReplyButton
from telegram import Chat, Message

BUTTONS = ((ReplyButton("End chat", data="person.waiting|cancel"), ReplyButton("Exit", data="~exit")),)


def message_with(reply: Reply, *, keep: bool) -> Message:
    return Message(1, datetime.now(UTC), Chat(5, Chat.PRIVATE), text="words", reply_markup=keyboard(reply, keep=keep))


def test_marked_buttons_give_the_engine_the_same_data() -> None:
    marked = keyboard(Reply(text="", buttons=BUTTONS), keep=True)
    assert marked is not None
    sent = [button.callback_data for row in marked.inline_keyboard for button in row]
    assert sent == [f"{KEEP}person.waiting|cancel", f"{KEEP}~exit"]
    assert [button_data(data) for data in sent] == ["person.waiting|cancel", "~exit"]
    assert button_data("case|wait|K7QF") == "case|wait|K7QF" and button_data(None) == ""


def test_only_messages_without_marked_buttons_may_be_edited_into_an_answer() -> None:
    assert editable(message_with(Reply(text="", buttons=BUTTONS), keep=False))
    assert not editable(message_with(Reply(text="", buttons=BUTTONS), keep=True))
    assert editable(message_with(Reply(text=""), keep=False)), "no keyboard at all"

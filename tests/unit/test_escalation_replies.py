"""What each side reads: identity-free cards and topic names, honest fallbacks, stable ids."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.engine.contract import END_CASE
from bot.escalation import replies
from bot.escalation.config import Advocate
from bot.i18n import ENGLISH


def test_summary_keeps_only_choice_ids_never_typed_text() -> None:
    values = {"situation": "trafficking", "need": "safe_place", "country": "ES", "typed": "yes", "lang": "es"}
    assert replies.summary(values) == ("trafficking, safe_place", "situation: trafficking · need: safe_place · country: ES")
    assert replies.summary({"situation": "my name is Ana <b>", "country": "ES"}) == ("", "country: ES")
    assert replies.summary({}) == ("", "")


def test_topic_name_and_its_limit() -> None:
    assert replies.topic_name("K7QF", "es", "trafficking") == "K7QF · es · trafficking"
    assert replies.topic_name("K7QF", "en", "") == "K7QF · en"
    assert len(replies.topic_name("K7QF", "en", "x" * 300)) == 128


def test_first_line_is_trimmed_and_capped() -> None:
    assert replies.first_line("  I need\n help  ") == "I need help"
    assert replies.first_line(None) == ""
    long = replies.first_line("a" * 900)
    assert len(long) == 500 and long.endswith("…")


def test_case_data_round_trip_and_foreign_data() -> None:
    assert replies.parse_case_data(replies.case_data("claim", "K7QF")) == ("claim", "K7QF")
    for other in (None, "", "person.line|send", "case|claim", "case|claim|K7QF|x"):
        assert replies.parse_case_data(other) is None
    assert len(replies.case_data("transfer", "K7QF").encode()) <= 64


def test_the_card_shows_the_case_not_the_person() -> None:
    since = datetime(2026, 1, 5, 14, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    card = replies.card(ENGLISH, "K7QF", "es", "situation: dv", since, "Tengo miedo & <no sé>", [Advocate(5, "Ana")])
    assert "<b>Case K7QF</b>" in card.text and "Language: es" in card.text and "Path: situation: dv" in card.text
    assert "Waiting since: 14:05 (Europe/Berlin)" in card.text
    assert "First line: <i>Tengo miedo &amp; &lt;no sé&gt;</i>" in card.text, "the survivor's line is escaped"
    assert 'Speaks es: <a href="tg://user?id=5">Ana</a>' in card.text
    assert card.text.endswith("shows on the survivor's lock screen: begin with a neutral greeting.</i>")
    assert [[b.data for b in row] for row in card.buttons] == [["case|claim|K7QF", "case|close|K7QF"]]


def test_the_preview_echoes_the_line_with_engine_buttons() -> None:
    preview = replies.preview(ENGLISH, "a <b> & c")
    assert preview.text == "a &lt;b&gt; &amp; c"
    assert [b.data for row in preview.buttons for b in row] == [
        "person.line|send", "person.line|again", "person.line|skip", "~home", "~exit",
    ]


def test_fallbacks_say_why_and_offer_keep_waiting_only_when_asked() -> None:
    numbers = "🆘 <b>In danger now? Call 112.</b>"
    closed = replies.fallback(ENGLISH, "closed", numbers)
    assert closed.text.startswith("Advocates are not on duty right now") and numbers in closed.text
    assert [b.data for row in closed.buttons for b in row] == ["~home", "~exit"]
    waiting = replies.fallback(ENGLISH, "no_claim", numbers, keep_waiting_code="K7QF")
    assert [b.data for row in waiting.buttons for b in row] == ["case|wait|K7QF", END_CASE, "~exit"]
    assert replies.fallback(ENGLISH, "lost", numbers).text.startswith("The connection to the advocate was lost")
    assert replies.fallback(ENGLISH, "unreachable", numbers).text.startswith("I'm sorry: right now no advocate")


def test_advocate_greeting_uses_the_alias_only() -> None:
    assert replies.advocate_here(ENGLISH, "Maria").text.startswith("<b>An advocate is here: Maria.</b>")
    assert replies.advocate_here(ENGLISH, "").text.startswith("<b>An advocate is here.</b>")
    assert replies.desk_notice(ENGLISH, "no_claim", minutes=1).startswith("⏰ Nobody claimed this case within 1 minute;")


def test_hidden_puts_an_advocates_words_behind_a_tap_under_a_bland_first_line() -> None:
    words = "Your <b>safety plan</b>: <a href=\"https://example.org/plan\">read it</a>"
    plain = "Your safety plan: read it"
    assert replies.hidden(ENGLISH, words, plain, 4096) == f"Tap to read.\n<tg-spoiler>{words}</tg-spoiler>"


def test_hidden_keeps_the_words_of_parts_a_spoiler_cannot_contain() -> None:
    body = "Call <code>0800 000 000</code>\n<pre>line one</pre><blockquote expandable>quoted</blockquote>"
    text = replies.hidden(ENGLISH, body, "Call 0800 000 000\nline onequoted", 4096)
    assert text == "Tap to read.\n<tg-spoiler>Call 0800 000 000\nline onequoted</tg-spoiler>"


def test_hidden_drops_the_first_line_rather_than_pass_telegrams_limit() -> None:
    plain = "a" * 4090  # with "Tap to read.\n" it would be 4103 characters
    assert replies.hidden(ENGLISH, plain, plain, 4096) == f"<tg-spoiler>{plain}</tg-spoiler>"
    # Telegram counts UTF-16 units: 2,045 emoji are 4,090 units, not 2,045 characters.
    emoji = "🙂" * 2045
    assert replies.hidden(ENGLISH, emoji, emoji, 4096).startswith("<tg-spoiler>")
    assert replies.hidden(ENGLISH, "a" * 4083, "a" * 4083, 4096).startswith("Tap to read.\n")

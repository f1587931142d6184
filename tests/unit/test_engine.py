"""The pure engine, scripted without Redis, Telegram or asyncio."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bot.engine import Event, Session, load_flows, step
from bot.engine.effects import Erase, Escalate, Forget, Relay
from bot.engine.model import BACK, EXIT, HOME, Flows
from bot.engine.reading import Placement, Reading
from bot.i18n.catalogs import Catalogs
from bot.runtime import Context
from bot.views.languages import LanguagesView
from tests.support.flows import ROLE_VIEWS, add_role_flows, role_views

LOCALES = ("en", "es", "fr")
FLOW = """
version: 1
flow: main
nodes:
  - id: start
    text: Hello
    next: menu
  - id: menu
    nav: false
    text: Menu
    buttons:
      - {id: where, label: Where am I, goto: country}
      - {id: us_only, label: US line, goto: us_line, when: {var: country, eq: US}}
      - {id: language, label: Language, goto: language}
      - {id: bye, label: Bye, goto: bye}
      - {id: ask, label: Ask a person, goto: menu, effects: [escalate]}
    input:
      - {id: danger, keywords: danger|sos, goto: danger}
  - id: country
    text: Which country?
    buttons:
      - {id: us, label: United States, goto: menu, effects: [{set: {country: US}}]}
      - {id: forget, label: Forget it, goto: menu, effects: [{unset: country}]}
  - id: us_line
    text: A US-only line
  - id: danger
    text: Call now
  - id: language
    view: languages
    args: {target: menu}
    text: Choose
  - id: bye
    text: Goodbye
    effects: [end]
"""


@pytest.fixture
def flows(tmp_path: Path) -> Flows:
    (tmp_path / "main.yaml").write_text(FLOW)
    add_role_flows(tmp_path)
    return load_flows(tmp_path, locales=LOCALES, views=["languages", *ROLE_VIEWS])


@pytest.fixture
def ctx() -> Context:
    return Context(Catalogs({}, LOCALES), datetime(2026, 11, 21, tzinfo=UTC), LOCALES)


@pytest.fixture
def views() -> dict:
    return {"languages": LanguagesView(LOCALES, dict.fromkeys(LOCALES, 1.0)), **role_views()}


class Script:
    """Feed events one by one, keeping the session as a runtime would."""

    def __init__(self, flows: Flows, views: dict, ctx: Context) -> None:
        self.flows, self.views, self.ctx = flows, views, ctx
        self.session = Session()
        self.effects: list = []

    def send(self, event: Event) -> list[str]:
        result = step(self.flows, self.views, self.session, event, self.ctx)
        self.session = result.session
        self.effects = list(result.effects)
        self.last = result.replies
        return [reply.text for reply in result.replies]

    def labels(self) -> list[str]:
        return [b.label for row in self.last[-1].buttons for b in row]

    def data(self, label: str) -> str:
        return next(b.data for row in self.last[-1].buttons for b in row if b.label == label)

    def tap(self, label: str) -> list[str]:
        return self.send(Event("button", data=self.data(label)))


@pytest.fixture
def script(flows: Flows, views: dict, ctx: Context) -> Script:
    return Script(flows, views, ctx)


def test_first_message_of_any_kind_greets_and_shows_the_menu(script: Script) -> None:
    assert script.send(Event("text", text="hi")) == ["Hello", "Menu"]
    assert script.labels() == ["Where am I", "Language", "Bye", "Ask a person"]


def test_step_does_not_modify_the_session_it_was_given(flows: Flows, views: dict, ctx: Context) -> None:
    before = Session(node="main.menu", values={"a": "b"}, history=["main.start"])
    step(flows, views, before, Event("button", data="main.menu|where"), ctx)
    assert before == Session(node="main.menu", values={"a": "b"}, history=["main.start"])


def test_set_value_reveals_a_conditional_button_and_unset_hides_it(script: Script) -> None:
    script.send(Event("start"))
    script.tap("Where am I")
    script.tap("United States")
    assert script.session.values == {"country": "US"}
    assert "US line" in script.labels()
    script.tap("Where am I")
    script.tap("Forget it")
    assert "US line" not in script.labels()


def test_a_forged_button_whose_condition_fails_does_nothing_but_apologise(script: Script) -> None:
    script.send(Event("start"))
    texts = script.send(Event("button", data="main.menu|us_only"))
    assert texts == ["That option is no longer available. Here is the menu.", "Menu"]
    assert script.session.node == "main.menu"


def test_back_returns_to_the_previous_node_and_home_to_the_menu(script: Script) -> None:
    script.send(Event("start"))
    script.tap("Where am I")
    assert script.labels()[-3:] == ["Back", "Menu", "Exit"]
    assert script.send(Event("button", data=BACK)) == ["Menu"]
    script.tap("Where am I")
    assert script.send(Event("button", data=HOME)) == ["Menu"]
    assert script.session.history == []


def test_typing_a_button_label_presses_it_ignoring_case_and_accents(script: Script) -> None:
    script.send(Event("start"))
    assert script.send(Event("text", text="  WHERE am i ")) == ["Which country?"]
    assert script.send(Event("text", text="Unitéd States")) == ["Menu"]
    assert script.session.values["country"] == "US"


def test_keywords_in_free_text_choose_an_option(script: Script) -> None:
    script.send(Event("start"))
    assert script.send(Event("text", text="please, SOS!")) == ["Call now"]


def test_text_nothing_places_gets_the_warm_answer_never_a_dead_end(script: Script) -> None:
    script.send(Event("start"))
    texts = script.send(Event("text", text="blah"))
    assert texts == ["I'm here with you.\n\n112"]
    assert script.session.node == "help.unplaced"
    assert not any("choose one of the buttons" in text for text in texts)


class Placing:
    """A stand-in for the understanding layer: every message reads as ``reading``."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading

    def read(self, text: str) -> Reading:
        return self.reading


def placing(flows: Flows, views: dict, reading: Reading, **values: str) -> Script:
    when = datetime(2026, 11, 21, tzinfo=UTC)
    ctx = Context(Catalogs({}, LOCALES), when, LOCALES, None, Placing(reading))  # type: ignore[arg-type]
    talk = Script(flows, views, ctx)
    talk.send(Event("start"))
    talk.session.values.update(values)
    return talk


@pytest.mark.parametrize(
    ("placement", "page"),
    [
        (Placement.IMMINENT, "danger.start"),
        (Placement.SELF_HARM, "danger.crisis"),
        (Placement.TRAFFICKING, "danger.trafficking"),
        (Placement.CHILD_ABUSE, "danger.child"),
    ],
)
def test_danger_opens_its_page_first_with_back_to_where_they_were(
    flows: Flows, views: dict, placement: Placement, page: str
) -> None:
    talk = placing(flows, views, Reading(placement, 0.9))
    talk.tap("Where am I")
    talk.send(Event("text", text="anything"))
    assert talk.last[0].node == page
    assert talk.session.history[-1] == "main.country", "Back returns to where the survivor was"


def test_a_need_goes_straight_to_its_services_when_the_country_is_known(flows: Flows, views: dict) -> None:
    talk = placing(flows, views, Reading(Placement.NEED, 0.9, need="legal"), country="GB")
    assert talk.send(Event("text", text="i need a lawyer")) == ["Here is who can help.\n\nservices"]
    assert (talk.session.node, talk.session.values["need"]) == ("help.results", "legal")


def test_a_need_without_a_country_asks_for_it_and_keeps_the_need(flows: Flows, views: dict) -> None:
    talk = placing(flows, views, Reading(Placement.NEED, 0.9, need="safe_place"))
    talk.send(Event("text", text="somewhere safe tonight"))
    assert (talk.session.node, talk.session.values["need"]) == ("help.where", "safe_place")


def test_a_country_named_in_passing_never_replaces_the_chosen_one(flows: Flows, views: dict) -> None:
    talk = placing(flows, views, Reading(Placement.NEED, 0.9, need="legal", country="NG"), country="GB")
    talk.send(Event("text", text="he brought me here from nigeria, i need a lawyer"))
    assert talk.session.values["country"] == "GB"


def test_a_disclosure_is_acknowledged_before_the_matching_help(flows: Flows, views: dict) -> None:
    talk = placing(flows, views, Reading(Placement.SEXUAL_VIOLENCE, 0.9), country="GB")
    texts = talk.send(Event("text", text="i was raped last year"))
    assert texts[0].startswith("Thank you for telling me. What happened was not your fault.")
    values = talk.session.values
    assert (talk.session.node, values["need"], values["situation"]) == ("help.results", "sexual", "sexual")


def test_a_greeting_gets_a_warm_line_and_the_menu(flows: Flows, views: dict) -> None:
    talk = placing(flows, views, Reading(Placement.GREETING, 0.9))
    texts = talk.send(Event("text", text="hello?"))
    assert texts == ["Hello. I'm here for you, and this chat is anonymous.", "Menu"]


def test_a_country_alone_leads_to_what_would_help(flows: Flows, views: dict) -> None:
    talk = placing(flows, views, Reading(country="DE"))
    talk.send(Event("text", text="im in germany"))
    assert (talk.session.node, talk.session.values["country"]) == ("help.need", "DE")


def test_language_switch_changes_the_session_language(script: Script) -> None:
    script.send(Event("start", lang_hint="en-GB"))
    assert script.session.lang == "en"
    script.tap("Language")
    assert script.labels()[:3] == ["English", "Español", "Français"]
    script.tap("Español")
    assert (script.session.lang, script.session.lang_source) == ("es", "choice")
    assert script.session.node == "main.menu"


def test_language_hint_from_the_channel_is_used_on_first_contact(script: Script) -> None:
    script.send(Event("start", lang_hint="es-MX"))
    assert (script.session.lang, script.session.lang_source) == ("es", "channel")


def test_end_effect_forgets_the_conversation(script: Script) -> None:
    script.send(Event("start"))
    script.tap("Where am I")
    script.tap("United States")
    assert script.tap("Bye") == ["Goodbye"]
    assert script.session.node is None and script.session.values == {}


def test_escalate_is_returned_as_an_effect_for_the_runtime(script: Script) -> None:
    script.send(Event("start"))
    script.tap("Ask a person")
    assert script.effects == [Escalate()]


def test_exit_button_and_command_ask_for_erase_and_leave_one_neutral_line(script: Script) -> None:
    script.send(Event("start"))
    script.tap("Where am I")
    assert script.send(Event("button", data=EXIT)) == ["Done."]
    assert script.effects == [Erase()]
    assert script.send(Event("command", data="exit")) == ["Done."]


def test_forget_asks_to_delete_state_but_not_messages(script: Script) -> None:
    script.send(Event("start"))
    texts = script.send(Event("command", data="forget"))
    assert script.effects == [Forget()]
    assert "messages stay" in texts[0]


def test_unknown_command_and_media_get_a_kind_answer_and_the_current_node(script: Script) -> None:
    script.send(Event("start"))
    script.tap("Where am I")
    assert script.send(Event("command", data="teleport")) == ["I don't know that command.", "Which country?"]
    texts = script.send(Event("media"))
    assert texts[0].startswith("I can only read text") and texts[1] == "Which country?"


def test_a_node_renamed_by_a_deploy_restarts_kindly(flows: Flows, views: dict, ctx: Context) -> None:
    stale = Session(node="main.gone_after_deploy", lang="en", history=["main.also_gone"])
    result = step(flows, views, stale, Event("text", text="hello?"), ctx)
    assert [r.text for r in result.replies] == ["Hello", "Menu"]
    assert result.session.history == []


def test_a_button_from_an_old_keyboard_still_works(script: Script) -> None:
    script.send(Event("start"))
    old = script.data("Where am I")
    script.tap("Bye")
    assert script.send(Event("button", data=old)) == ["Which country?"]


def test_unknown_callback_data_is_stale_not_a_crash(script: Script) -> None:
    for data in ("", "|", "nothing|here", "main.menu|", "main.language|=xx", "~nope"):
        texts = script.send(Event("button", data=data))
        assert texts[-1] == "Menu", data


def test_in_a_live_case_text_and_media_are_relayed_not_matched(flows: Flows, views: dict, ctx: Context) -> None:
    session = Session(node="main.menu", lang="en", values={"case": "K7QF"})
    for event in (Event("text", text="sos"), Event("media")):
        result = step(flows, views, session, event, ctx)
        assert result.replies == ()
        assert result.effects == (Relay("K7QF"),)
    pressed = step(flows, views, session, Event("button", data="main.menu|where"), ctx)
    assert [r.text for r in pressed.replies] == ["Which country?"], "buttons still work during a case"


class FixedDetector:
    """A stand-in for the language detector in pure engine tests."""

    def __init__(self, locale: str, confidence: float) -> None:
        self.answer = (locale, confidence)
        self.calls = 0

    def detect(self, text: str):
        from bot.i18n.detect import Detection

        self.calls += 1
        return Detection(*self.answer)


def detecting(flows: Flows, views: dict, locale: str, confidence: float) -> tuple[Script, FixedDetector]:
    detector = FixedDetector(locale, confidence)
    ctx = Context(Catalogs({}, LOCALES), datetime(2026, 11, 21, tzinfo=UTC), LOCALES, detector)
    return Script(flows, views, ctx), detector


def test_writing_in_another_language_asks_before_switching(flows: Flows, views: dict) -> None:
    script, _ = detecting(flows, views, "es", 0.95)
    script.send(Event("start", lang_hint="en"))
    texts = script.send(Event("text", text="necesito ayuda por favor"))
    assert texts[-1] == "It looks like you write in Español. Continue in Español?"
    assert script.labels() == ["Español", "English", "Exit"]
    assert script.session.lang == "en", "never switched silently"
    script.tap("Español")
    assert (script.session.lang, script.session.lang_source) == ("es", "choice")


def test_the_language_question_is_asked_once_and_never_after_a_choice(flows: Flows, views: dict) -> None:
    script, detector = detecting(flows, views, "es", 0.95)
    script.send(Event("start"))
    script.send(Event("text", text="hola necesito ayuda"))
    script.tap("English")
    for _ in range(3):
        assert "It looks like" not in " ".join(script.send(Event("text", text="sigo escribiendo en español")))
    assert detector.calls == 1


def test_unsure_detection_asks_nothing_and_stops_after_a_few_messages(flows: Flows, views: dict) -> None:
    script, detector = detecting(flows, views, "es", 0.5)
    script.send(Event("start"))
    for _ in range(5):
        assert "It looks like" not in " ".join(script.send(Event("text", text="mmm ok")))
    assert detector.calls == 3


def test_the_language_picker_puts_the_languages_of_the_survivors_country_first(flows: Flows, ctx: Context) -> None:
    view = LanguagesView(("en", "es", "fr", "de", "ar"), dict.fromkeys(("en", "es", "fr", "de", "ar"), 1.0))
    node = flows.nodes["main.language"]
    session = Session(node=node.id, lang="en", values={"country": "DE"})
    labels = [b.label for row in view.render(node, session, ctx).buttons for b in row]
    assert labels[:2] == ["English", "Deutsch"]
    session = Session(node=node.id, lang="es", values={"country": "EG"})
    labels = [b.label for row in view.render(node, session, ctx).buttons for b in row]
    assert labels[:2] == ["Español", "العربية"]


def test_keywords_in_scripts_without_spaces_match_inside_a_sentence() -> None:
    from bot.text import contains_phrase, fold

    assert contains_phrase(fold("我需要帮助，谢谢"), "帮助")
    assert contains_phrase(fold("ช่วยด้วยค่ะ"), "ช่วย")
    assert not contains_phrase(fold("helpful advice"), "help"), "Latin words still need whole-word matches"
    assert contains_phrase(fold("ŞİDDET gördüm"), "şiddet"), "Turkish capitals fold like their small letters"


def test_folding_keeps_the_vowel_signs_of_indic_scripts() -> None:
    from bot.engine.step import fold

    # Regression: dropping every combining mark made "रूप" (form) and "रेप" (rape) the same word.
    assert fold("रूप") != fold("रेप")
    assert fold("Policía, ¡AYÚDAME!") == "policia ayudame"
    assert fold("مُساعدة") == fold("مساعدة")

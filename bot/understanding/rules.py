"""How concepts found in a message combine into what it says: language-independent rules.

Translators list words per concept (``locales/<code>/understand.txt``); this module knows no
words of any language. A message is placed by the strongest rule that holds, in this order:
danger to life first (imminent danger, self-harm, trafficking control, a child being harmed),
then disclosures (sexual violence, domestic abuse), then needs, then greetings and thanks.

Why rules over concepts rather than whole phrases: survivors rarely write the sentence a list
expects. "he has my passport and says I can't go" is [papers] + [taken] + [confined] in any
order and wording; a list of sentences would need every variant in every language.

Some pairs must stand close together: "hits my son" ("بچمو میزنه" puts the child first) is a
child harmed, while "hits" and "my son" at opposite ends of a long story may not be.
:class:`Near` says so, in either order, since languages order words differently; :class:`AllOf`
is enough where distance does not matter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.engine.reading import Placement

NEAR_GAP = 4  # tokens between two concepts that must stand together


@dataclass(frozen=True)
class Span:
    """Where one concept was found, in tokens of the normalised message."""

    start: int
    end: int  # exclusive


@dataclass(frozen=True)
class AllOf:
    """Every concept is somewhere in the message."""

    concepts: tuple[str, ...]

    def holds(self, found: Mapping[str, Sequence[Span]]) -> bool:
        return all(found.get(concept) for concept in self.concepts)


@dataclass(frozen=True)
class Near:
    """``one`` and ``other`` stand at most :data:`NEAR_GAP` tokens apart, in either order."""

    one: str
    other: str

    def holds(self, found: Mapping[str, Sequence[Span]]) -> bool:
        return any(
            max(a.start, b.start) - min(a.end, b.end) <= NEAR_GAP
            for a in found.get(self.one, ())
            for b in found.get(self.other, ())
        )


@dataclass(frozen=True)
class Current:
    """``concept`` tells of something happening now: found, and either the message says "now"
    (``[now]``) or at least one place it was found stands apart from every ``[past]`` marker.
    "he hit me years ago" is a disclosure to acknowledge; "he hit me years ago and now he is
    back" is danger."""

    concept: str

    def holds(self, found: Mapping[str, Sequence[Span]]) -> bool:
        spans = found.get(self.concept, ())
        if not spans or found.get("now"):
            return bool(spans)
        return any(not Near(self.concept, "past").holds({self.concept: [span], "past": found.get("past", ())}) for span in spans)


Rule = AllOf | Near | Current


def one(concept: str) -> AllOf:
    return AllOf((concept,))


DIRECT = 0.9  # a phrase that alone says it
COMBINED = 0.75  # concepts that together say it

RULES: tuple[tuple[Placement, float, tuple[Rule, ...]], ...] = (
    # A child writing about harm now: the child helpline first (the emergency number follows).
    (
        Placement.CHILD_ABUSE,
        DIRECT,
        (AllOf(("self-child", "danger")), AllOf(("self-child", "violence")), AllOf(("self-child", "danger-threat"))),
    ),
    (Placement.IMMINENT, DIRECT, (one("danger"), Current("violence"))),
    (Placement.SELF_HARM, DIRECT, (one("suicide"), one("self-harm"))),
    (
        Placement.TRAFFICKING,
        DIRECT,
        (one("trafficking"),),
    ),
    (
        Placement.TRAFFICKING,
        COMBINED,
        (
            AllOf(("papers", "taken")),
            AllOf(("confined", "work")),
            AllOf(("confined", "debt")),
            AllOf(("debt", "threat")),
            AllOf(("threat", "family", "work")),
        ),
    ),
    (Placement.CHILD_ABUSE, DIRECT, (one("child-harm"),)),
    (
        Placement.CHILD_ABUSE,
        COMBINED,
        (
            AllOf(("child", "child-contact")),
            Near("hurt", "child"),
            AllOf(("child", "sexual")),
            AllOf(("self-child", "hurt")),
            AllOf(("self-child", "child-contact")),
            AllOf(("self-child", "sexual")),
        ),
    ),
    (
        Placement.IMMINENT,
        COMBINED,
        (
            one("danger-threat"),
            AllOf(("abuser", "now", "threat")),
            AllOf(("threat", "family")),
            AllOf(("abuser", "now", "hurt")),
            # Held in a place by someone ("he won't let me out of the flat"): danger, whoever.
            AllOf(("abuser", "confined")),
        ),
    ),
    (Placement.SEXUAL_VIOLENCE, DIRECT, (one("sexual"),)),
    (Placement.DOMESTIC_VIOLENCE, DIRECT, (one("domestic"),)),
    (
        Placement.DOMESTIC_VIOLENCE,
        COMBINED,
        # Not free to leave, with nobody named: control at home is the likeliest reading.
        # Violence told as past ("he beat me last year") is a disclosure too.
        (AllOf(("abuser", "hurt")), AllOf(("abuser", "threat")), one("confined"), one("violence")),
    ),
)
"""Placements with their confidence and the rules that give them, tried in order. Specific
danger (trafficking, a child) comes before the general combinations, so "he took my passport
and I can't leave" opens the trafficking page, whose lines know what to do about papers."""

NEEDS: tuple[tuple[str, str], ...] = (
    ("need-shelter", "safe_place"),
    ("need-medical", "medical"),
    # Papers or deportation named: immigration advice, even when a divorce is named too.
    ("need-immigration", "immigration"),
    ("need-legal", "legal"),
    ("need-police", "police"),
    ("need-money", "money"),
    ("need-talk", "talk_now"),
)
"""Lexicon sections for needs and the Find-help need each one chooses, most pressing first."""

GREETINGS: tuple[tuple[str, Placement], ...] = (("thanks", Placement.THANKS), ("greeting", Placement.GREETING))

CONCEPTS: tuple[str, ...] = (
    "self-harm", "trafficking", "child-harm", "sexual", "domestic",
    *(section for section, _ in NEEDS), "greeting", "thanks",
    "papers", "taken", "confined", "debt", "threat", "family", "work",
    "child", "self-child", "child-contact", "hurt", "now", "past", "abuser",
)  # fmt: skip
"""Every section of ``understand.txt`` besides ``not-danger``. The rules also use ``danger``
(``danger.txt``'s medical phrases), ``violence`` (its violence phrases, danger unless told as
past), ``danger-threat`` (its threat phrases, also
counted as ``threat``) and ``suicide`` (its suicide phrases)."""


def place(found: Mapping[str, Sequence[Span]]) -> tuple[Placement | None, float, str | None]:
    """(placement, confidence, need) for the concepts found in one message."""
    need = next((value for section, value in NEEDS if found.get(section)), None)
    for placement, confidence, rules in RULES:
        if any(rule.holds(found) for rule in rules):
            return placement, confidence, need
    if need is not None:
        return Placement.NEED, DIRECT, need
    for section, placement in GREETINGS:
        if found.get(section):
            return placement, DIRECT, None
    return None, 0.0, None

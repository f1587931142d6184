"""Understanding what survivors write: every message placed, in every shipped language at once.

Pure, no I/O after loading. Two plain-text lists per locale, both maintained by translators
(``locales/DANGER.md``): ``danger.txt`` (phrases that alone mean danger now) and
``understand.txt`` (concepts: who, what, how urgent, and needs). Both are compiled into one
phrase book and matched in one pass over the message, in every locale at once, because people
write in the language they think in, not the one they picked. :mod:`bot.understanding.rules`
combines the concepts found into a placement; the country comes from the directory's names.

Only closed labels leave this package (:class:`~bot.engine.reading.Reading`): callers log and
count placements, never the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from bot.engine.reading import NOTHING, Placement, Reading
from bot.problems import SourceError
from bot.safety.danger import CATEGORIES, LIST_NAME, DangerListError, PhraseBook
from bot.understanding.rules import CONCEPTS, Span, place

LEXICON_NAME = "understand.txt"
MAX_READ = 4096  # characters looked at: Telegram's limit; a longer text is cut, never refused
COUNTRY_READ = 200  # a country is named near the start ("I'm in Spain ..."); names deep in a
# long story are more often where someone came from, and the close-spelling search of the
# country matcher costs about 1 ms per 500 characters

SMALL_TALK = frozenset({Placement.GREETING, Placement.THANKS})
SMALL_TALK_WORDS = 8  # a longer message that only "hi" or "thanks" placed gets the warm answer
SOS_SIGNS = ("\U0001f198",)  # 🆘: the same cry for help in every language (emoji are not words)

# danger.txt's sections, as the rules see them: a threat phrase is also a threat the rules
# combine ("I owe them and they will hurt my mother" is trafficking control).
DANGER_NAMESPACE = "danger.txt:"
_AS_CONCEPTS = {
    f"{DANGER_NAMESPACE}{section}": concepts
    for section, concepts in (
        ("threat", ("danger-threat", "threat")), ("violence", ("violence",)), ("medical", ("danger",)), ("suicide", ("suicide",)),
    )
}  # fmt: skip


class Understanding:
    """The loaded lists of every locale and the country matcher, ready to read messages."""

    def __init__(self, book: PhraseBook, countries: Callable[[str], str | None]) -> None:
        self.book = book
        self.countries = countries

    @classmethod
    def load(cls, locales_dir: Path, locales: Iterable[str], countries: Callable[[str], str | None]) -> Understanding:
        """Read both lists of each locale; any problem is fatal (``path:line:`` first)."""
        book = PhraseBook()
        try:
            for locale in locales:
                book.add_list(Path(locales_dir) / locale / LIST_NAME, locale, CATEGORIES, DANGER_NAMESPACE)
                book.add_list(Path(locales_dir) / locale / LEXICON_NAME, locale, CONCEPTS)
        except DangerListError as exc:
            raise SourceError([str(exc)], ("phrase-list",)) from None
        book.index()  # at start-up, not on the first survivor's message
        return cls(book, countries)

    def read(self, text: str) -> Reading:
        """What ``text`` says (see :mod:`bot.understanding.rules`)."""
        text = text[:MAX_READ]
        if not text.strip():
            return NOTHING
        found: dict[str, list[Span]] = {}
        if any(sign in text for sign in SOS_SIGNS):
            found["danger"] = [Span(0, 0)]
        for hit in self.book.hits(text):
            for concept in _AS_CONCEPTS.get(hit.section, (hit.section,)):
                found.setdefault(concept, []).append(Span(hit.start, hit.end))
        placement, confidence, need = place(found)
        if placement in SMALL_TALK and len(text.split()) > SMALL_TALK_WORDS:
            placement, confidence = None, 0.0  # "hi, he took my papers and ..." is not a greeting
        return Reading(placement, confidence, need, self.countries(text[:COUNTRY_READ]))

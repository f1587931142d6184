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

import hashlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from bot import text
from bot.engine.reading import NOTHING, Placement, Reading
from bot.problems import SourceError
from bot.safety import danger
from bot.safety.danger import BOOK_FORMAT, CATEGORIES, LIST_NAME, DangerListError, PhraseBook
from bot.understanding.rules import CONCEPTS, Span, place

log = logging.getLogger(__name__)

LEXICON_NAME = "understand.txt"
MAX_READ = 4096  # characters looked at: Telegram's limit; a longer text is cut, never refused
COUNTRY_READ = 200  # a country is named near the start ("I'm in Spain ..."); names deep in a
# long story are more often where someone came from

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
    def load(
        cls,
        locales_dir: Path,
        locales: Iterable[str],
        countries: Callable[[str], str | None],
        cache_dir: Path | None = None,
    ) -> Understanding:
        """Read both lists of each locale; any problem is fatal (``path:line:`` first).

        Compiling ~47,000 phrases is most of start-up, so with ``cache_dir`` the compiled book
        is kept there under a digest of every list and of the matching code: a changed list or
        matcher compiles afresh, an unwritable directory only costs the time.
        """
        sources = [
            (Path(locales_dir) / locale / name, locale, sections, namespace)
            for locale in locales
            for name, sections, namespace in ((LIST_NAME, CATEGORIES, DANGER_NAMESPACE), (LEXICON_NAME, CONCEPTS, ""))
        ]
        cached = _cache_path(cache_dir, [path for path, *_ in sources]) if cache_dir else None
        book = _read_cache(cached) if cached else None
        if book is None:
            book = PhraseBook()
            try:
                for path, locale, sections, namespace in sources:
                    book.add_list(path, locale, sections, namespace)
            except DangerListError as exc:
                raise SourceError([str(exc)], ("phrase-list",)) from None
            if cached:
                _write_cache(cached, book)
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


_MATCHING_CODE = (Path(__file__).parent / "rules.py", Path(danger.__file__), Path(text.__file__))


def _cache_path(cache_dir: Path, lists: list[Path]) -> Path | None:
    """Where the book compiled from ``lists`` is kept; None when a list cannot be read (the
    compiler then reports it with its path)."""
    digest = hashlib.sha256(str(BOOK_FORMAT).encode())
    try:
        for path in (*_MATCHING_CODE, *lists):
            digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return cache_dir / f"phrases-{digest.hexdigest()[:24]}.marshal"


def _read_cache(path: Path) -> PhraseBook | None:
    try:
        return PhraseBook.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _write_cache(path: Path, book: PhraseBook) -> None:
    """Write atomically and drop books compiled from older lists; never fatal."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("phrases-*.marshal"):
            old.unlink(missing_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(book.dumps())
        partial.replace(path)
    except OSError as exc:
        log.info("phrase_cache_unwritable error=%s", exc.__class__.__name__)

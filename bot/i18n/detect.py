"""Guess the language of a survivor's short free-text message.

Haven's language order is: the survivor's explicit choice > Telegram's ``language_code`` >
this detector (on their first free-text messages) > English. A wrong guess is worse than no
guess: it makes Haven ask "do you want to switch to X?" at the worst moment. So the detector
answers ``None`` whenever the evidence is thin, and its answers carry a confidence that says
how many independent kinds of evidence agreed.

How a message is decided, cheapest and most reliable evidence first:

1. **Script.** The letters' writing system picks the locales that could have written it. A
   script used by one shipped locale decides at once (Thai, Bengali, Devanagari -> hi, Han
   without kana or Hangul -> zh_Hans). Kana, Hangul or any script no shipped locale uses
   gives ``None``.
2. **Diagnostic letters** narrow a shared script (і ї є ґ are Ukrainian, ы э ъ ё Russian;
   ے ٹ ڈ ں ہ Urdu; پ چ ژ گ ک ی Persian or Urdu; ة ى ي ك Arabic; ł ą ę Polish; ğ ı Turkish;
   ቐ Tigrinya ...).
3. **Common words.** A small lexicon per locale of function words (pronouns, articles,
   prepositions, "not", "is", "can", question words) plus the words a person in danger
   types first (help, please, afraid, police, urgent). Character n-grams cannot separate
   "mi marido me pega" (es) from Portuguese; three words that only Spanish has can.
4. **langdetect**, with only the shipped locales' profiles, restricted (through its prior)
   to the candidates left by steps 2-3 and seeded so that the same text always gives the
   same answer in every process. It breaks ties between lexicon candidates and speaks
   alone only for longer texts, where its character statistics are trustworthy.

Confidence levels (``Detection.confidence``):

* 0.95 - the script or diagnostic letters leave one locale (near certain);
* 0.9  - lexicon and langdetect agree, or the lexicon is ahead by 3+ words;
* 0.6-0.8 - the lexicon alone (ahead by 1-2 words) or langdetect alone on a long text;
* below ``MIN_CONFIDENCE`` (0.6) the answer is ``None``.

Callers that switch languages unasked should require ``CONFIDENT`` (0.9); asking the
survivor "switch to X?" is reasonable from ``MIN_CONFIDENCE`` up.

Not handled: romanised text (Hindi/Urdu/Arabic typed in Latin letters) looks like a Latin
language with no lexicon hits and normally yields ``None``; Amharic vs Tigrinya without any
distinguishing word or letter yields ``None`` (the script alone cannot tell them apart).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

__all__ = ["CONFIDENT", "MIN_CONFIDENCE", "Detection", "LanguageDetector"]

# Below this many letters (Unicode category L*, so marks and digits do not count) there is
# nothing to decide on: "ok", "no", "si", "да" are words in several shipped languages. A
# script that only one shipped locale uses needs fewer, because the script itself is the
# evidence: two Han characters ("救命") or two Devanagari letters ("डर") are a word.
MIN_LETTERS = 3
MIN_LETTERS_UNIQUE_SCRIPT = 2
# langdetect decides (alone, or between locales the lexicon cannot separate) only from this
# many letters on, about three words. On one or two words its character statistics are
# confidently wrong: it calls "help" Dutch and "ajuda" Romanian with a vote of 7/7, and on
# the test set its tie-breaks below this length were right 5 times and wrong 6 times.
MIN_LETTERS_NGRAMS = 18
# Answers below this confidence are returned as None (see the module docstring).
MIN_CONFIDENCE = 0.6
CONFIDENT = 0.9
# Only the start of a long message is read: the first words are what matter and this caps
# the cost of a pasted wall of text.
MAX_CHARS = 300

_SCRIPT_CERTAIN = 0.95
_AGREEMENT = 0.9
_LEXICON_ONLY = (0.0, 0.7, 0.8, 0.9)  # by lead in matching words: 1 -> 0.7, 2 -> 0.8, 3+ -> 0.9
_NGRAMS_CEILING = 0.75  # times langdetect's vote share
# Diagnostic letters give way to the lexicon only when it leads by this many words.
_LEXICON_OVERRULES_LETTERS = 2

# Locale -> writing system. Every shipped locale must be here.
LOCALE_SCRIPTS: dict[str, str] = {
    **dict.fromkeys(
        ("en", "es", "fr", "de", "it", "nl", "pl", "ro", "pt_BR", "tr", "vi", "fil", "sw"),
        "latin",
    ),
    "ru": "cyrillic",
    "uk": "cyrillic",
    "ar": "arabic",
    "fa": "arabic",
    "ur": "arabic",
    "hi": "devanagari",
    "bn": "bengali",
    "th": "thai",
    "zh_Hans": "han",
    "am": "ethiopic",
    "ti": "ethiopic",
}

# Script -> every Haven locale written in it. Decisions are made among all of them, so that
# a detector built for a subset (say en and ru) answers None for Spanish or Ukrainian
# instead of calling them English or Russian because nothing else was on offer.
_SCRIPT_LOCALES: dict[str, tuple[str, ...]] = {}
for _locale, _script in LOCALE_SCRIPTS.items():
    _SCRIPT_LOCALES[_script] = (*_SCRIPT_LOCALES.get(_script, ()), _locale)

# Locale -> langdetect profile name, where the names differ.
_PROFILE_NAMES = {"pt_BR": "pt", "fil": "tl", "zh_Hans": "zh-cn"}
_NO_PROFILE = frozenset({"am", "ti"})

# (first code point, last code point, script). Kana and Hangul are listed so that Japanese
# and Korean are recognised as "not ours" instead of being read as Chinese.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1200, 0x139F, "ethiopic"),
    (0x2D80, 0x2DDF, "ethiopic"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0x1100, 0x11FF, "hangul"),
    (0x3130, 0x318F, "hangul"),
    (0xAC00, 0xD7AF, "hangul"),
)
# A message whose letters include any of these scripts is not Chinese.
_NOT_CHINESE = frozenset({"kana", "hangul"})


def _letters(locales: str, *chars: str) -> dict[str, frozenset[str]]:
    group = frozenset(locales.split())
    return dict.fromkeys(chars, group)


# Characters that only some locales of a script use. The locales a message can be in are the
# intersection over the diagnostic characters it contains (lower-cased text).
_DIAGNOSTIC_CHARS: dict[str, frozenset[str]] = {
    # Latin
    **_letters("es", "¿", "¡"),
    **_letters("es fil", "ñ"),
    **_letters("de", "ß", "ä"),
    **_letters("de tr", "ö"),
    **_letters("de tr es", "ü"),
    **_letters("pl", "ą", "ć", "ę", "ł", "ń", "ś", "ź", "ż"),
    **_letters("es pt_BR pl vi it", "ó"),
    **_letters("tr", "ğ", "ı"),
    **_letters("tr ro", "ş"),
    **_letters("ro", "ș", "ț", "ţ"),
    **_letters("ro vi", "ă"),
    **_letters("ro fr", "î"),
    **_letters("ro fr pt_BR tr vi", "â"),
    **_letters("pt_BR vi", "ã", "õ"),
    **_letters("fr pt_BR tr", "ç"),
    **_letters("fr pt_BR vi", "ê", "ô"),
    **_letters("fr", "œ", "û"),
    **_letters("fr nl", "ë", "ï"),
    **_letters("fr it vi nl", "è"),
    **_letters("fr it pt_BR vi", "à"),
    **_letters("fr it vi", "ù"),
    **_letters("it vi", "ì", "ò"),
    **_letters("vi", "ơ", "ư", "đ"),
    **{chr(cp): frozenset({"vi"}) for cp in range(0x1EA0, 0x1EFA)},  # ạ ả ấ ... ỹ
    # Cyrillic
    **_letters("uk", "і", "ї", "є", "ґ"),
    **_letters("ru", "ы", "э", "ъ", "ё"),
    # Arabic script: Persian and Urdu keyboards give ی ک, Arabic ones ي ك.
    **_letters("ur", "ے", "ۓ", "ٹ", "ڈ", "ڑ", "ں", "ھ", "ہ", "ۂ"),
    **_letters("fa ur", "پ", "چ", "ژ", "گ", "ی", "ک"),
    **_letters("fa", "ۀ"),
    **_letters("ar", "ة", "ى", "ي", "ك"),
    # Ethiopic: the ቐ row (qʰ) is Tigrinya-only, ኧ Amharic-only.
    **{chr(cp): frozenset({"ti"}) for cp in range(0x1250, 0x125E)},
    **_letters("am", "ኧ"),
}

# Characters that make a word count as evidence for a locale without excluding the others:
# frequent in one language, possible in the other.
_MARKER_CHARS: dict[str, frozenset[str]] = {
    # Tigrinya writes word-initial a as ኣ and uses the ኸ (x) row and ሓ; Amharic rarely does.
    **_letters("ti", "ኣ", "ሓ"),
    **{chr(cp): frozenset({"ti"}) for cp in range(0x12B8, 0x12BF)},
    # Amharic ኝ: first-person object and "I am" (እርዱኝ, ነኝ).
    **_letters("am", "ኝ"),
}
# Word endings that count the same way: Amharic first person -ለሁ (እፈልጋለሁ) and -ኛል
# (ይደበድበኛል); Tigrinya first-person object -ኒ (ሓግዙኒ, where Amharic has -ኝ).
_MARKER_ENDINGS: dict[str, frozenset[str]] = {
    **_letters("am", "ለሁ", "ኛል"),
    **_letters("ti", "ኒ"),
}

# Frequent words per locale: function words and the first words of a call for help. Words
# are written with their accents; each is also indexed without accents, because survivors
# often type without them. A word several locales share supports all of them.
_LEXICON: dict[str, str] = {
    "en": """i me my mine you your he him his she her it we us our they them their the a an
        to of in on at for from with without and or but that this what where when how who why
        not no yes is am are was were be been have has had do does did dont don't cant can't
        can could will would should must need want im i'm hes he's shes she's its it's there
        here now very someone somebody nobody nothing help please scared afraid danger police
        urgent emergency safe""",
    "es": """yo me mi mis tu te él ella lo la le les los las un una unos unas de del al en con
        a por para sin y o pero que qué como cómo donde dónde cuando quién porque no sí es soy
        estoy está están son fue ser estar tengo tiene tienen hay puedo puede necesito quiero
        dice voy va muy ahora aquí allí ya nada algo alguien nadie este esta eso ayuda ayúdame
        ayudenme socorro auxilio favor porfavor miedo peligro policía urgente""",
    "pt_BR": """eu me meu minha meus minhas você voce ele ela o a os as um uma de do da dos das
        em no na com por para pra sem e ou mas que como onde quando quem porque não sim é sou
        estou está estão foi ser tenho tem preciso quero vou vai muito agora aqui ali já nada
        algo alguém ninguém isso isto ajuda ajude socorro favor medo perigo polícia urgente tô""",
    "fr": """je j moi me m mon ma mes tu te toi il elle lui le la les l un une des de du d à au
        aux en dans sur avec pour par sans et ou mais que qu qui quoi comment où quand pourquoi
        ne pas non oui suis est es sont était être ai as avons peux peut veux besoin vais va
        très maintenant ici là rien personne quelqu'un quelquun ce cette ça chez jai cest quil
        jsuis aide aidez aider secours svp stp plaît peur danger police urgence urgent""",
    "de": """ich mich mir mein meine meinen du dich dir er sie ihn ihm es wir ihr der die das
        den dem des ein eine einen einem zu von im an am auf mit für ohne und oder aber dass was
        wo wie wann wer warum nicht nein ja kein keine bin ist bist sind war habe hab hat haben
        kann muss will brauche jetzt hier sehr jemand niemand nichts nach bitte hilfe helfen
        hilf angst gefahr polizei notfall dringend""",
    "it": """io mi me mio mia miei mie tu ti te lui lei lo la il gli le un uno una di del della
        dei a al alla nel nella con per senza e o ma che come dove quando chi perché non no sì
        sono è sei siamo era essere ho ha hanno posso può voglio devo dice vado va molto ora adesso
        qui qua là niente qualcuno nessuno questo questa aiuto aiutami aiutatemi aiutare favore
        paura pericolo polizia emergenza urgente""",
    "nl": """ik mij me mijn jij je jou u hij zij ze hem haar het we wij de een van in op aan met
        voor zonder en of maar dat wat waar hoe wanneer wie waarom niet nee ja geen ben is bent
        zijn was heb heeft hebben kan kun moet wil ga gaat erg nu hier daar iemand niemand niets
        naar help hulp helpen alsjeblieft alstublieft bang gevaar politie nood dringend""",
    "pl": """ja mnie mi mój moja moje ty cię ciebie on ona go jego jej my oni to ten ta w we na
        z ze do od dla bez i a ale że co gdzie jak kiedy kto dlaczego nie tak jestem jest są był
        była mam ma mają mogę może chcę muszę potrzebuję bardzo teraz tu tutaj tam ktoś nikt
        nic się pomoc pomocy pomóż proszę boję strach niebezpieczeństwo policja policję
        ratunku pilne""",
    "ro": """eu mă mie mi meu mea mei mele tu te el ea lui ei noi un o a de la în pe cu pentru
        fără și sau dar că ce unde cum când cine nu da sunt este e ești are am au pot poate
        vreau trebuie merg foarte acum aici acolo cineva nimeni nimic ajutor ajutați ajută vă
        rog frică teamă pericol poliția poliție urgent urgență""",
    "tr": """ben beni bana benim sen seni sana o onu ona onun biz siz onlar bu şu bir ve veya
        ama ile için gibi de da ne nerede nereye nasıl kim neden değil yok var evet hayır mi mı
        mu mü çok şimdi burada orada biri kimse hiç lazım istiyorum yardım lütfen korkuyorum
        korku tehlike polis acil imdat""",
    "vi": """tôi em anh chị nó ta họ mình của và hoặc nhưng là có không được ở đâu gì sao thế
        nào khi ai vì rất bây giờ đây đó với cho cần muốn giúp cứu làm ơn sợ nguy hiểm công
        an cảnh sát khẩn cấp""",
    "fil": """ako ko akin ikaw ka mo siya niya kami tayo sila nila ang ng mga sa na at o pero
        kasi ano saan paano kailan sino bakit hindi huwag oo opo po may wala meron ito iyan iyon
        dito doon ngayon kailangan gusto pwede puwede lang naman tulong tulungan saklolo
        pakiusap takot natatakot panganib pulis""",
    "sw": """mimi mi yangu wangu wako yeye yake sisi wao huyu hii na kwa ya wa za katika kwenye
        lakini au kwamba nini wapi vipi lini nani hapana ndiyo ndio sina hana siwezi naweza
        nataka nahitaji sana sasa hapa pale mtu hakuna msaada nisaidie saidia tafadhali naogopa
        hofu hatari polisi haraka dharura""",
    "ru": """я меня мне мой моя мои ты тебя он она его её ее мы они это этот в на с со к по из
        для без и а но что где как когда кто почему не нет да есть был была могу может хочу
        нужно надо очень сейчас здесь там никто ничего помощь помогите помоги пожалуйста
        спасите страшно боюсь опасность полиция полицию срочно""",
    "uk": """я мене мені мій моя мої ти тебе він вона його її ми вони це цей в у на з зі до по
        від для без і й а але що де як коли хто чому не ні так є був була можу може хочу треба
        потрібно дуже зараз тут там хтось ніхто нічого допомога допомогу допоможіть допоможи
        будь ласка рятуйте страшно боюся небезпека поліція поліцію терміново""",
    "ar": """أنا انا أنت انت هو هي نحن هم في على من إلى الى مع عن و أو لكن أن ان إن لا لم لن
        نعم ما ماذا أين اين كيف متى لماذا هذا هذه هناك هنا الآن الان ليس لدي عندي أريد أحتاج
        احتاج أستطيع يمكنني ساعدني ساعدوني مساعدة النجدة أرجوك ارجوك فضلك خائف خائفة خطر
        الشرطة عاجل""",
    "fa": """من مرا به از در با برای که را و یا اما این آن چه کجا چطور چگونه چرا نه ندارم هستم
        است هست بود میخواهم باید میتوانم میتونم کسی هیچ الان اینجا کمک کمکم لطفا میترسم ترس
        خطر پلیس فوری""",
    "ur": """میں مجھے میرا میری میرے تم آپ وہ اس یہ ہم ان کا کی کے کو سے پر نے اور یا لیکن کہ
        کیا کہاں کیسے کب کون کیوں نہیں نہ ہاں ہے ہیں ہوں تھا تھی ہو سکتی سکتا چاہیے ابھی یہاں
        کوئی مدد بچاؤ براہ کرم مہربانی پلیز ڈر خطرہ پولیس جلدی""",
    "am": """እኔ አንተ አንቺ እሱ እሷ እኛ እነሱ ነው ነኝ ናቸው አለ አለኝ የለም የለኝም እና ወይም ግን ላይ ውስጥ ጋር
        ወደ ከ ምን የት እንዴት መቼ ማን ለምን አይ አዎ ዛሬ አሁን እዚህ በጣም ሁሉ እባክህ እባክሽ እባካችሁ እርዳታ እርዱኝ
        ፈራሁ ፖሊስ""",
    "ti": """ኣነ ንስኻ ንስኺ ንሱ ንሳ ንሕና ንሳቶም እዩ እየ ኣሎ ኣሎኒ የብለይን ኣለኹ ከምኡ ወይ ግን ኣብ ምስ
        ናብ ካብ እንታይ ኣበይ ከመይ መዓስ መን ስለምንታይ ኣይ እወ ሎሚ ሕጂ ኣብዚ ብጣዕሚ ኩሉ በጃኹም በጃኻ ሓገዝ ሓግዙኒ
        ፖሊስ""",
}


@dataclass(frozen=True, slots=True)
class Detection:
    """A detected locale and how sure the detector is (see the module docstring)."""

    locale: str
    confidence: float


def _script_of(ch: str) -> str | None:
    cp = ord(ch)
    for first, last, script in _SCRIPT_RANGES:
        if first <= cp <= last:
            return script
    return None


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


_LINKS = re.compile(r"\S*(?:https?://|www\.|@)\S*", re.IGNORECASE)


def _normalise(text: str) -> str:
    """Lower-case NFC text, with the spellings people type mapped to one form.

    Lower-casing matters twice: survivors in panic type in capitals, and langdetect skips
    all-capital words entirely. ZWNJ (Persian half-space) is dropped because phones type
    both میترسم and می‌ترسم. Links and e-mail addresses are no language and are removed
    by ``detect`` before letters are counted.
    """
    text = unicodedata.normalize("NFC", text).replace("İ", "i").lower()
    return text.replace("\u200c", "").replace("’", "'")


def _words(text: str) -> list[str]:
    """Split on everything that is neither a letter nor a combining mark.

    Apostrophes and hyphens split too ("qu'il" -> qu, il; "aidez-moi" -> aidez, moi), which
    matches how the lexicon is written.
    """
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if unicodedata.category(ch)[0] in "LM":
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


class LanguageDetector:
    """Detect which of the given locales a short message is written in.

    Construction loads the langdetect profiles of the given locales only (25-40 ms for all
    24 shipped locales on the development machine, against about 250 ms for langdetect's 55
    profiles; ``python -m tests.eval.langdetect_eval`` measures both), into factories of their own, one per script that several locales share.
    Build one detector at start-up and share it: ``detect`` keeps no state between calls.

    Letters and the lexicon know all of Haven's locales; a message that looks like one not
    in ``locales`` gets None rather than the nearest offered locale.
    """

    def __init__(self, locales: Iterable[str], seed: int = 0) -> None:
        self.locales: tuple[str, ...] = tuple(dict.fromkeys(locales))
        unknown = [loc for loc in self.locales if loc not in LOCALE_SCRIPTS]
        if unknown:
            raise ValueError(f"no script known for locales: {', '.join(unknown)}")
        self._seed = seed
        self._by_script: dict[str, tuple[str, ...]] = {}
        for locale in self.locales:
            script = LOCALE_SCRIPTS[locale]
            self._by_script[script] = (*self._by_script.get(script, ()), locale)
        self._factories = {
            script: self._factory(group)
            for script, group in self._by_script.items()
            if len([loc for loc in group if loc not in _NO_PROFILE]) >= 2
        }
        self._lexicon: dict[str, frozenset[str]] = {}
        for locale, words in _LEXICON.items():
            for word in _normalise(words).split():
                for form in {word, _strip_accents(word)}:
                    self._lexicon[form] = self._lexicon.get(form, frozenset()) | {locale}

    def _factory(self, group: tuple[str, ...]) -> DetectorFactory:
        profiles = []
        for locale in group:
            if locale in _NO_PROFILE:
                continue
            name = _PROFILE_NAMES.get(locale, locale)
            with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as handle:
                profiles.append(handle.read())
        factory = DetectorFactory()
        factory.load_json_profile(profiles)
        factory.set_seed(self._seed)
        return factory

    def detect(self, text: str) -> Detection | None:
        """Return the locale ``text`` is written in, or None when the evidence is too thin."""
        text = _normalise(_LINKS.sub(" ", text[:MAX_CHARS]))
        script, letters = _dominant_script(text)
        if script is None or script not in self._by_script:
            return None
        universe = _SCRIPT_LOCALES[script]
        if letters < (MIN_LETTERS_UNIQUE_SCRIPT if len(universe) == 1 else MIN_LETTERS):
            return None
        if len(universe) == 1:
            return Detection(universe[0], _SCRIPT_CERTAIN)
        support = self._word_support(_words(text), universe)
        candidates = self._diagnostic_candidates(text, universe, support)
        if len(candidates) == 1:
            detection: Detection | None = Detection(candidates[0], _SCRIPT_CERTAIN)
        else:
            detection = self._decide(text, letters, candidates, support)
        if detection is None or detection.locale not in self._by_script[script]:
            return None
        return detection

    def _word_support(self, words: list[str], group: tuple[str, ...]) -> dict[str, int]:
        """How many words of the message each locale of the group can claim."""
        support = dict.fromkeys(group, 0)
        for word in words:
            claims = set(self._lexicon.get(word) or self._lexicon.get(_strip_accents(word)) or ())
            for ch in word:
                claims |= _MARKER_CHARS.get(ch, frozenset())
            for ending, locales in _MARKER_ENDINGS.items():
                if word.endswith(ending):
                    claims |= locales
            for locale in claims & support.keys():
                support[locale] += 1
        return support

    @staticmethod
    def _diagnostic_candidates(
        text: str, group: tuple[str, ...], support: dict[str, int]
    ) -> tuple[str, ...]:
        """The locales of ``group`` consistent with every diagnostic character in ``text``.

        A diagnostic character can come from a borrowed word ("café" in English), so the
        letters are ignored when they contradict each other or exclude a locale the lexicon
        clearly prefers.
        """
        candidates = set(group)
        for ch in set(text):
            allowed = _DIAGNOSTIC_CHARS.get(ch)
            if allowed is not None:
                candidates &= allowed
        if not candidates:
            return group
        leader = _lexicon_leader(support, _LEXICON_OVERRULES_LETTERS)
        if leader is not None and leader not in candidates:
            return group
        return tuple(loc for loc in group if loc in candidates)

    def _decide(
        self, text: str, letters: int, candidates: tuple[str, ...], support: dict[str, int]
    ) -> Detection | None:
        """Combine lexicon support and langdetect within the remaining candidates.

        langdetect is asked only when its answer can change the result (it is the slow part).
        """
        support = {loc: support[loc] for loc in candidates}
        leader = _lexicon_leader(support, 1)
        if leader is not None:
            runner_up = max((n for loc, n in support.items() if loc != leader), default=0)
            confidence = _LEXICON_ONLY[min(support[leader] - runner_up, len(_LEXICON_ONLY) - 1)]
            if confidence < _AGREEMENT:
                # A second opinion over all candidates (asking about the leader alone would
                # always "agree").
                second = self._ngram_choice(text, candidates)
                if second is not None and second[0] == leader:
                    confidence = _AGREEMENT
            return _above_threshold(leader, confidence)
        if letters < MIN_LETTERS_NGRAMS:
            return None
        # No lexicon leader: langdetect chooses among the tied locales (all candidates when
        # no word matched at all).
        best = max(support.values())
        choice = self._ngram_choice(text, tuple(loc for loc in candidates if support[loc] == best))
        if choice is None:
            return None
        locale, share = choice
        return _above_threshold(locale, _NGRAMS_CEILING * share)

    def _ngram_choice(self, text: str, candidates: tuple[str, ...]) -> tuple[str, float] | None:
        """langdetect's pick among ``candidates`` and its vote share (seeded, deterministic)."""
        script = LOCALE_SCRIPTS[candidates[0]]
        factory = self._factories.get(script)
        offered = self._by_script[script]
        profiled = [loc for loc in candidates if loc in offered and loc not in _NO_PROFILE]
        if factory is None or len(profiled) < 2:
            return None
        detector = factory.create()
        detector.set_prior_map({_PROFILE_NAMES.get(loc, loc): 1.0 for loc in profiled})
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:  # no usable n-grams (e.g. only digits of this script)
            return None
        if not ranked:
            return None
        by_profile = {_PROFILE_NAMES.get(loc, loc): loc for loc in profiled}
        top = ranked[0]
        return by_profile[top.lang], float(top.prob)


def _dominant_script(text: str) -> tuple[str | None, int]:
    """The script holding more than half of the letters, and its letter count."""
    counts: dict[str | None, int] = {}
    for ch in text:
        if unicodedata.category(ch)[0] == "L":
            script = _script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    total = sum(counts.values())
    if not total:
        return None, 0
    script, letters = max(counts.items(), key=lambda item: item[1])
    if letters * 2 <= total:
        return None, 0
    if script == "han" and _NOT_CHINESE & counts.keys():
        return None, 0
    return script, letters


def _lexicon_leader(support: dict[str, int], lead: int) -> str | None:
    """The locale claiming at least ``lead`` more words than any other, if there is one."""
    ranked = sorted(support.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < lead:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return ranked[0][0] if ranked[0][1] - runner_up >= lead else None


def _above_threshold(locale: str, confidence: float) -> Detection | None:
    confidence = round(confidence, 3)
    return Detection(locale, confidence) if confidence >= MIN_CONFIDENCE else None

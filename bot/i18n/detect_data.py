"""The evidence language detection weighs: scripts, diagnostic letters, common words per locale.

Data only, kept apart from :mod:`bot.i18n.detect` (how the evidence is weighed) so that
translators and reviewers can read and extend the word lists without reading the algorithm.
"""

from __future__ import annotations

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
SCRIPT_LOCALES: dict[str, tuple[str, ...]] = {}
for _locale, _script in LOCALE_SCRIPTS.items():
    SCRIPT_LOCALES[_script] = (*SCRIPT_LOCALES.get(_script, ()), _locale)

# Locale -> langdetect profile name, where the names differ.
PROFILE_NAMES = {"pt_BR": "pt", "fil": "tl", "zh_Hans": "zh-cn"}
NO_PROFILE = frozenset({"am", "ti"})

# (first code point, last code point, script). Kana and Hangul are listed so that Japanese
# and Korean are recognised as "not ours" instead of being read as Chinese.
SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
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
NOT_CHINESE = frozenset({"kana", "hangul"})


def _letters(locales: str, *chars: str) -> dict[str, frozenset[str]]:
    group = frozenset(locales.split())
    return dict.fromkeys(chars, group)


# Characters that only some locales of a script use. The locales a message can be in are the
# intersection over the diagnostic characters it contains (lower-cased text).
DIAGNOSTIC_CHARS: dict[str, frozenset[str]] = {
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
MARKER_CHARS: dict[str, frozenset[str]] = {
    # Tigrinya writes word-initial a as ኣ and uses the ኸ (x) row and ሓ; Amharic rarely does.
    **_letters("ti", "ኣ", "ሓ"),
    **{chr(cp): frozenset({"ti"}) for cp in range(0x12B8, 0x12BF)},
    # Amharic ኝ: first-person object and "I am" (እርዱኝ, ነኝ).
    **_letters("am", "ኝ"),
}
# Word endings that count the same way: Amharic first person -ለሁ (እፈልጋለሁ) and -ኛል
# (ይደበድበኛል); Tigrinya first-person object -ኒ (ሓግዙኒ, where Amharic has -ኝ).
MARKER_ENDINGS: dict[str, frozenset[str]] = {
    **_letters("am", "ለሁ", "ኛል"),
    **_letters("ti", "ኒ"),
}

# Frequent words per locale: function words and the first words of a call for help. Words
# are written with their accents; each is also indexed without accents, because survivors
# often type without them. A word several locales share supports all of them.
LEXICON: dict[str, str] = {
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

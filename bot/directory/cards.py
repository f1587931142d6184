"""Turn directory entries into the short messages a survivor reads.

Every word goes through the translator with a literal context and English text (gettext
extraction reads this file); data values (names, numbers, links) are parameters, so numbers
stay separate ``{number}`` fields that right-to-left locales can wrap in Unicode isolates.
Free-text data fields (notes, eligibility) are for content people and advocates and are
never shown here: they are not translated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from babel.dates import format_time, get_day_names
from babel.languages import get_official_languages
from babel.lists import format_list

from bot.directory.model import Emergency, Phone, Service
from bot.directory.query import is_open, next_opening
from bot.i18n.translator import Translator

MAX_EMERGENCY_LINES = 4
"""24/7 lines listed under the emergency number; more would bury the number on a phone."""

_KIND_LABELS: dict[str, Callable[[Translator], str]] = {
    "emergency": lambda tr: tr.label("directory.kind.emergency", "emergencies"),
    "dv_hotline": lambda tr: tr.label("directory.kind.dv_hotline", "domestic violence"),
    "sexual_violence": lambda tr: tr.label("directory.kind.sexual_violence", "sexual violence"),
    "trafficking": lambda tr: tr.label("directory.kind.trafficking", "trafficking and exploitation"),
    "victim_support": lambda tr: tr.label("directory.kind.victim_support", "support for victims of crime"),
    "lgbtq": lambda tr: tr.label("directory.kind.lgbtq", "LGBTQ+ people"),
    "child": lambda tr: tr.label("directory.kind.child", "children and young people"),
    "crisis": lambda tr: tr.label("directory.kind.crisis", "emotional crisis and thoughts of suicide"),
    "legal_aid": lambda tr: tr.label("directory.kind.legal_aid", "legal advice"),
    "shelter_referral": lambda tr: tr.label("directory.kind.shelter_referral", "finding a safe place to stay"),
    "counselling": lambda tr: tr.label("directory.kind.counselling", "someone to talk to"),
    "medical": lambda tr: tr.label("directory.kind.medical", "medical care"),
    "men": lambda tr: tr.label("directory.kind.men", "men"),
    "elderly": lambda tr: tr.label("directory.kind.elderly", "older people"),
}


def _babel_locale(tr: Translator) -> Locale:
    try:
        return Locale.parse(tr.locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def _join(items: list[str], tr: Translator) -> str:
    """A list in the survivor's language: "A, B and C".

    CLDR's standard list pattern exists for every language; the shorter "unit" style is missing
    for some (Babel raised KeyError for Spanish) and joins Russian with bare spaces.
    """
    return format_list(items, style="standard", locale=_babel_locale(tr)) if items else ""


def _speaks_local_language(service: Service, lang: str) -> bool:
    language = lang.replace("-", "_").split("_")[0].lower()
    official = get_official_languages(service.country, de_facto=True) if len(service.country) == 2 else ()
    return language in {code.split("_")[0] for code in official}


def display_name(service: Service, lang: str) -> str:
    """The local name, or the English one for a survivor who does not read the local language."""
    if service.name_en and not _speaks_local_language(service, lang):
        return service.name_en
    return service.name


def _site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _phone_line(phone: Phone, tr: Translator) -> str:
    if phone.tel and phone.tel.replace(" ", "") != phone.display.replace(" ", ""):
        return tr.pgettext(
            "directory.card_phone_intl", "📞 {number} (from abroad: {international})",
            number=phone.display, international=phone.tel,
        )  # fmt: skip
    return tr.pgettext("directory.card_phone", "📞 {number}", number=phone.display)


def _language_name(code: str, tr: Translator) -> str:
    return _babel_locale(tr).languages.get(code, code)


def _reach_lines(service: Service, tr: Translator, survivor_lang: str) -> list[str]:
    channels = service.channels
    lines = []
    if service.main_phone:
        lines.append(_phone_line(service.main_phone, tr))
    language = survivor_lang.split("_")[0]
    for phone in channels.phones[1:]:
        if phone.lang == language:
            lines.append(
                tr.pgettext(
                    "directory.card_phone_language", "📞 {number} (in {language})",
                    number=phone.display, language=_language_name(phone.lang, tr),
                )  # fmt: skip
            )
    if channels.sms and channels.sms.keyword:
        lines.append(
            tr.pgettext(
                "directory.card_sms_keyword", "💬 Text {keyword} to {number}",
                keyword=channels.sms.keyword, number=channels.sms.number,
            )  # fmt: skip
        )
    elif channels.sms:
        lines.append(tr.pgettext("directory.card_sms", "💬 Text {number}", number=channels.sms.number))
    if channels.whatsapp:
        lines.append(tr.pgettext("directory.card_whatsapp", "💬 WhatsApp {number}", number=channels.whatsapp.display))
    if channels.tty:
        lines.append(tr.pgettext("directory.card_tty", "TTY {number}", number=channels.tty.display))
    if channels.chat:
        lines.append(
            tr.pgettext(
                "directory.card_chat", '💻 Chat: <a href="{url}">{site}</a>',
                url=channels.chat, site=_site(channels.chat),
            )  # fmt: skip
        )
    elif channels.web:
        lines.append(
            tr.pgettext(
                "directory.card_web", '🌐 <a href="{url}">{site}</a>',
                url=channels.web, site=_site(channels.web),
            )  # fmt: skip
        )
    if channels.app and not lines:
        lines.append(tr.pgettext("directory.card_app", "📱 App: {app}", app=channels.app))
    return lines


def _hours_line(service: Service, tr: Translator, now: datetime) -> str | None:
    open_now = is_open(service, now)
    if open_now is None:
        return None  # the source does not say; never guess
    if service.hours.always:
        return tr.pgettext("directory.card_open_always", "Open 24/7")
    if open_now:
        return tr.pgettext("directory.card_open_now", "Open now")
    opening = next_opening(service, now)
    if opening is None:
        return tr.pgettext("directory.card_closed", "Closed now")
    locale = _babel_locale(tr)
    at = format_time(opening, "short", locale=locale)
    days_ahead = (opening.date() - now.astimezone(opening.tzinfo).date()).days
    if days_ahead == 0:
        return tr.pgettext("directory.card_opens_today", "Closed now · opens today at {time}", time=at)
    if days_ahead == 1:
        return tr.pgettext("directory.card_opens_tomorrow", "Closed now · opens tomorrow at {time}", time=at)
    day = get_day_names("wide", locale=locale)[opening.weekday()]
    return tr.pgettext("directory.card_opens_day", "Closed now · opens {day} at {time}", day=day, time=at)


def _terms_line(service: Service, tr: Translator) -> str | None:
    free = service.free is True
    if free and service.confidential:
        return tr.pgettext("directory.card_free_confidential", "Free and confidential")
    if free:
        return tr.pgettext("directory.card_free", "Free")
    if service.confidential:
        return tr.pgettext("directory.card_confidential", "Confidential")
    return None


def render_service(service: Service, tr: Translator, now: datetime, survivor_lang: str) -> str:
    """One service as a short card: name, what it helps with, how to reach it, hours, terms."""
    lines = [tr.pgettext("directory.card_name", "<b>{name}</b>", name=service.name)]
    if service.name_en and service.name_en != service.name and not _speaks_local_language(service, survivor_lang):
        lines.append(tr.pgettext("directory.card_name_en", "<i>{name}</i>", name=service.name_en))
    if service.region:
        lines.append(tr.pgettext("directory.card_region", "For people in {region}", region=service.region))
    kinds = [_KIND_LABELS[kind](tr) for kind in service.kinds if kind != "emergency"]
    if kinds:
        # Translators: {kinds} is a list of the "directory.kind" labels, e.g. "domestic violence, someone to talk to".
        lines.append(tr.pgettext("directory.card_helps_with", "Helps with: {kinds}", kinds=_join(kinds, tr)))
    lines.extend(_reach_lines(service, tr, survivor_lang))
    extras = [line for line in (_hours_line(service, tr, now), _terms_line(service, tr)) if line]
    if extras:
        lines.append(" · ".join(extras))
    if service.police_run:
        lines.append(tr.pgettext("directory.card_police_run", "👮 Run by the police"))
    return "\n".join(lines)


def _emergency_details(emergency: Emergency, tr: Translator) -> list[str]:
    parts = []
    if emergency.police:
        parts.append(tr.pgettext("safety:emergency.police", "Police {number}", number=emergency.police))
    if emergency.ambulance:
        parts.append(tr.pgettext("safety:emergency.ambulance", "Ambulance {number}", number=emergency.ambulance))
    if emergency.fire:
        parts.append(tr.pgettext("safety:emergency.fire", "Fire {number}", number=emergency.fire))
    if emergency.child_abuse:
        parts.append(
            tr.pgettext("safety:emergency.child_abuse", "Child abuse emergency {number}", number=emergency.child_abuse)
        )
    if emergency.tourist_police:
        parts.append(
            tr.pgettext("safety:emergency.tourist_police", "Tourist police {number}", number=emergency.tourist_police)
        )
    lines = [" · ".join(parts)] if parts else []
    for also in emergency.also:
        if also.mobile_only:
            lines.append(
                tr.pgettext("safety:emergency.also_mobile", "{number} also works from mobile phones", number=also.number)
            )
        else:
            lines.append(tr.pgettext("safety:emergency.also", "{number} also works", number=also.number))
    silent = emergency.silent_call
    if silent and silent.how == "dial_code":
        lines.append(
            # Translators: {code} is the digits to press when the operator's machine asks, e.g. 55 in the UK.
            tr.pgettext(
                "safety:emergency.silent_dial_code",
                "If it is too dangerous to speak: call {number} from a mobile and dial {code} when prompted.",
                number=emergency.number, code=silent.code,
            )  # fmt: skip
        )
    elif silent:
        lines.append(
            tr.pgettext("safety:emergency.silent_open_line", "If you cannot talk, leave the line open after calling.")
        )
    sms = emergency.sms
    if sms and sms.audience == "anyone":
        lines.append(tr.pgettext("safety:emergency.sms_anyone", "If you cannot speak, text {number}.", number=sms.number))
    elif sms and sms.registration:
        lines.append(
            tr.pgettext(
                "safety:emergency.sms_registered",
                "Deaf or speech-impaired people who registered in advance can text {number}.",
                number=sms.number,
            )
        )
    elif sms:
        lines.append(
            tr.pgettext(
                "safety:emergency.sms_deaf",
                "Deaf, hard of hearing or speech-impaired people can text {number}.",
                number=sms.number,
            )
        )
    if emergency.tty:
        lines.append(tr.pgettext("safety:emergency.tty", "TTY / text relay {number}", number=emergency.tty))
    return lines


def _universal_lines(emergency: Emergency, tr: Translator) -> list[str]:
    lines = [tr.pgettext("safety:emergency.call_local", "🆘 <b>In danger now? Call the emergency number.</b>")]
    if emergency.number:
        lines.append(
            tr.pgettext(
                "safety:emergency.eu_number",
                "In the European Union and some other countries: <b>{number}</b>, free from any phone, even without a SIM card.",
                number=emergency.number,
            )  # fmt: skip
        )
    if emergency.countries_911:
        territories = _babel_locale(tr).territories
        names = [territories.get(code, code) for code in emergency.countries_911]
        lines.append(
            # Translators: {countries} is a list of country names in your language, {number} is 911.
            tr.pgettext(
                "safety:emergency.countries_911", "In {countries}: <b>{number}</b>.",
                countries=_join(names, tr), number="911",
            )  # fmt: skip
        )
    return lines


def render_emergency(emergency: Emergency | None, lines: list[Service], tr: Translator) -> str:
    """The danger reply: the emergency number first, then how to call silently, then 24/7 lines.

    ``emergency.country is None`` (country unknown) gives the 112/911 guidance built from
    the data; ``None`` (no data at all) still tells the survivor to call for help.
    """
    if emergency is None:
        parts = [tr.pgettext("safety:emergency.call_local", "🆘 <b>In danger now? Call the emergency number.</b>")]
    elif emergency.country is None:
        parts = _universal_lines(emergency, tr)
    else:
        parts = [
            tr.pgettext("safety:emergency.call_now", "🆘 <b>In danger now? Call {number}.</b>", number=emergency.number)
        ]
        parts.extend(_emergency_details(emergency, tr))
    shown = [(s, s.main_phone) for s in lines if s.main_phone][:MAX_EMERGENCY_LINES]
    if shown:
        parts.append(tr.pgettext("safety:emergency.lines_24_7", "Helplines open 24/7:"))
        lang = _babel_locale(tr).language
        for service, phone in shown:
            parts.append(
                tr.pgettext(
                    "safety:emergency.line", "• {name}: {number}",
                    name=display_name(service, lang), number=phone.display,
                )  # fmt: skip
            )
    return "\n".join(parts)


def render_brief_emergency(emergency: Emergency | None, tr: Translator) -> str:
    """One safety line naming the number to call, to close a reply that is not about danger.

    Unknown country: the true short form of the 112/911 guidance, from the same data.
    """
    if emergency is not None and emergency.country is not None:
        return tr.pgettext("safety:emergency.brief", "If you are ever in danger, call <b>{number}</b>.", number=emergency.number)
    if emergency is None or not emergency.number or not emergency.countries_911:
        return tr.pgettext("safety:emergency.brief_local", "If you are ever in danger, call the emergency number.")
    territories = _babel_locale(tr).territories
    names = [territories.get(code, code) for code in emergency.countries_911]
    return tr.pgettext(
        # Translators: {number} is 112, {countries} a list of country names in your language.
        "safety:emergency.brief_universal",
        "If you are ever in danger, call <b>{number}</b> in the EU, or <b>911</b> in {countries}.",
        number=emergency.number, countries=_join(names, tr),
    )  # fmt: skip

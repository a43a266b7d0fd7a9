"""Timezones by the names people type: Russian and CIS cities (in Russian and Latin script)
and common abbreviations. ``parse_timezone`` consults this before IANA names."""

import re
from typing import Final

_ZONES: Final[dict[str, tuple[str, ...]]] = {
    "Europe/Kaliningrad": ("калининград", "kaliningrad"),
    "Europe/Moscow": (
        "москва",
        "мск",
        "msk",
        "moscow",
        "moskva",
        "санкт-петербург",
        "петербург",
        "спб",
        "питер",
        "ленинград",
        "saint petersburg",
        "st petersburg",
        "spb",
        "нижний новгород",
        "казань",
        "kazan",
        "ростов-на-дону",
        "ростов",
        "воронеж",
        "краснодар",
        "сочи",
        "мурманск",
        "архангельск",
        "ярославль",
        "тула",
        "рязань",
        "смоленск",
        "тверь",
        "владимир",
        "калуга",
        "курск",
        "белгород",
        "липецк",
        "пенза",
        "чебоксары",
        "йошкар-ола",
        "сыктывкар",
        "петрозаводск",
        "вологда",
        "новгород",
        "псков",
        "брянск",
        "орёл",
        "тамбов",
        "иваново",
        "кострома",
        "ставрополь",
        "махачкала",
        "грозный",
        "нальчик",
        "владикавказ",
        "симферополь",
        "севастополь",
        "киров",
    ),
    "Europe/Samara": ("самара", "samara", "ижевск", "тольятти", "самарское время"),
    "Europe/Ulyanovsk": ("ульяновск",),
    "Europe/Saratov": ("саратов",),
    "Europe/Volgograd": ("волгоград",),
    "Europe/Astrakhan": ("астрахань",),
    "Asia/Yekaterinburg": (
        "екатеринбург",
        "екб",
        "ekaterinburg",
        "yekaterinburg",
        "челябинск",
        "пермь",
        "уфа",
        "тюмень",
        "оренбург",
        "курган",
        "сургут",
        "ханты-мансийск",
        "магнитогорск",
        "екат",
    ),
    "Asia/Omsk": ("омск", "omsk"),
    "Asia/Novosibirsk": ("новосибирск", "нск", "новосиб", "novosibirsk"),
    "Asia/Barnaul": ("барнаул",),
    "Asia/Tomsk": ("томск",),
    "Asia/Novokuznetsk": ("новокузнецк", "кемерово"),
    "Asia/Krasnoyarsk": ("красноярск", "krasnoyarsk", "норильск", "абакан", "кызыл"),
    "Asia/Irkutsk": ("иркутск", "irkutsk", "улан-удэ", "братск"),
    "Asia/Chita": ("чита",),
    "Asia/Yakutsk": ("якутск", "благовещенск"),
    "Asia/Vladivostok": ("владивосток", "vladivostok", "хабаровск", "khabarovsk"),
    "Asia/Sakhalin": ("южно-сахалинск", "сахалин"),
    "Asia/Magadan": ("магадан",),
    "Asia/Kamchatka": ("петропавловск-камчатский", "камчатка"),
    "Asia/Almaty": ("алматы", "алма-ата", "almaty", "астана", "нур-султан", "astana"),
    "Asia/Tashkent": ("ташкент", "tashkent", "самарканд"),
    "Asia/Bishkek": ("бишкек", "bishkek"),
    "Asia/Dushanbe": ("душанбе",),
    "Asia/Ashgabat": ("ашхабад",),
    "Europe/Minsk": ("минск", "minsk"),
    "Europe/Kyiv": ("киев", "київ", "kyiv", "kiev", "харьков", "одесса", "днепр", "львов"),
    "Europe/Chisinau": ("кишинёв",),
    "Asia/Tbilisi": ("тбилиси", "tbilisi"),
    "Asia/Yerevan": ("ереван", "yerevan"),
    "Asia/Baku": ("баку", "baku"),
    "Europe/Riga": ("рига",),
    "Europe/Vilnius": ("вильнюс",),
    "Europe/Tallinn": ("таллин", "таллинн"),
    "Europe/Istanbul": ("стамбул",),
    "Europe/Berlin": ("берлин",),
    "Europe/London": ("лондон",),
    "Asia/Dubai": ("дубай",),
    "Asia/Jerusalem": ("иерусалим", "тель-авив"),
    "America/New_York": ("нью-йорк",),
}
_BY_NAME: Final = {name: zone for zone, names in _ZONES.items() for name in names}


def normalize(text: str) -> str:
    """Lower case, «ё» as «е», no «г.», spaces and dashes made single."""
    value = text.strip().lower().replace("ё", "е")
    value = re.sub(r"^(г\.|г |город )\s*", "", value)
    value = re.sub(r"\s*-\s*", "-", value)
    return re.sub(r"\s+", " ", value).rstrip(".")


_NORMALIZED: Final = {normalize(name): zone for name, zone in _BY_NAME.items()}


def zone_for_name(text: str) -> str | None:
    """The IANA zone of a city or an abbreviation (``Москва``, ``мск``, ``СПб``), or None."""
    value = normalize(text)
    return _NORMALIZED.get(value) or _NORMALIZED.get(value.replace(" ", "-"))

"""The public site's languages: each named in its own language for the language switch, with its
writing direction. Django's table lacks Tagalog and names Punjabi in English, so both are set here
(``SiteConfig.ready``); everything else (``dir``, ``lang``) then comes from Django's i18n tags."""

from __future__ import annotations

from django.conf.locale import LANG_INFO

#: code → (name in English, name in the language itself, right-to-left?)
PUBLIC_LANGUAGES: dict[str, tuple[str, str, bool]] = {
    "en": ("English", "English", False),
    "fr": ("French", "Français", False),
    "pa": ("Punjabi", "ਪੰਜਾਬੀ", False),
    "zh-hans": ("Simplified Chinese", "简体中文", False),
    "zh-hant": ("Traditional Chinese", "繁體中文", False),
    "tl": ("Tagalog", "Tagalog", False),
    "es": ("Spanish", "Español", False),
    "ko": ("Korean", "한국어", False),
    "vi": ("Vietnamese", "Tiếng Việt", False),
    "fa": ("Farsi", "فارسی", True),
    "ar": ("Arabic", "العربية", True),
}


def install() -> None:
    for code, (name, local, bidi) in PUBLIC_LANGUAGES.items():
        LANG_INFO[code] = {**LANG_INFO.get(code, {}), "code": code, "name": name, "name_local": local, "bidi": bidi}

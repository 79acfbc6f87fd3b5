"""Lesson and page bodies are rich text: HTML through nh3 (the Ammonia sanitizer), with a small list of
tags, links only to http(s) and mailto, and nothing that loads from elsewhere (no iframe, img, script,
style, object or embed): the site loads nothing from other sites and its CSP forbids it anyway.

``clean_html`` refuses (ValidationError) a body that needed cleaning of anything but whitespace, so an
author learns that part of what they wrote would not be shown, instead of it vanishing silently.
"""

from __future__ import annotations

import re

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TAGS = {"p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote", "dl", "dt",
        "dd", "table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "cite", "q", "code", "span", "hr"}
ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}, "td": {"colspan", "rowspan"},
              "*": {"lang", "dir"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
MAX_LENGTH = 100_000


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True)


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s+rel=\"[^\"]*\"", "", html)).replace("<br />", "<br>").strip()


def clean_html(html: str, *, field: str = "body") -> str:
    """The sanitized body, or ValidationError naming what was refused."""
    if len(html) > MAX_LENGTH:
        raise ValidationError({field: _("The text is too long (at most %(n)s characters).") % {"n": MAX_LENGTH}})
    if not html.strip():
        raise ValidationError({field: _("Write the text.")})
    cleaned = sanitize(html)
    if _normal(cleaned) != _normal(html) or not cleaned.strip():
        raise ValidationError({field: _(
            "This text contains HTML that is not allowed (scripts, styles, embedded content from other sites, "
            "images or unsafe links). Allowed: paragraphs, headings, lists, emphasis, tables and links.")})
    return cleaned

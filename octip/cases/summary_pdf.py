"""The printable case summary as a PDF (reportlab), the same for the page and the API.

What it holds is decided before it is drawn: ``selectors.case_summary_for_printing`` gives exactly the
sections the reader may see, each as ``cases.sections`` declares it, and records the printout as an
export. This module only lays that out: the case header, then each section in declared order (a
field added to a declaration is printed with no edit here), with "Confidential — printed by <reader>
at <time>" at the top of every page and "Page n of m" at the foot.

The text is in the reader's language (the request's) and the time in the installation's time zone.
A TrueType font is embedded so that accents and names in other scripts print (DejaVu Sans where the
system has it, else the Vera font reportlab ships, else Helvetica, Latin only). The file name names
the case number only (a case number names nobody), never the person; the response is not cached.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
from collections.abc import Iterable
from html import unescape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .sections import Fact, FieldKind
from .selectors import CaseSummary, PrintedSection

#: (regular, bold) TrueType files, the first pair found is embedded. DejaVu covers Latin with its
#: accents, Greek, Cyrillic, Arabic and more; a deployment that needs Gurmukhi or Han installs a Noto font.
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)
PDF = "application/pdf"
_MARGIN = 0.75 * inch


def _RULE() -> HRFlowable:  # noqa: N802 - reads as a constant: the line between two rows of a section
    return HRFlowable(width="100%", thickness=0.5, color=colors.grey, spaceBefore=3, spaceAfter=5)


@functools.cache
def fonts() -> tuple[str, str]:
    """The (regular, bold) font names to draw with, registered once."""
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    for regular, bold in (*FONT_CANDIDATES, (str(bundled / "Vera.ttf"), str(bundled / "VeraBd.ttf"))):
        if Path(regular).is_file() and Path(bold).is_file():
            try:
                pdfmetrics.registerFont(TTFont("Summary", regular))
                pdfmetrics.registerFont(TTFont("Summary-Bold", bold))
            except Exception:  # noqa: S112 - a broken font file: try the next one
                continue
            return "Summary", "Summary-Bold"
    return "Helvetica", "Helvetica-Bold"


def _plain(text: Any) -> str:
    """A fact's text as plain text: a page's markup (``<time>``, ``<br>``) taken out, its escapes undone."""
    if isinstance(text, SafeString):
        return unescape(strip_tags(re.sub(r"<br\s*/?>", "\n", str(text))))
    return str(text)


def _markup(text: Any) -> str:
    """Plain text as a reportlab paragraph's markup: escaped, each line break kept."""
    return escape(_plain(text)).replace("\n", "<br/>")


class _Styles:
    def __init__(self) -> None:
        regular, bold = fonts()
        base = getSampleStyleSheet()
        self.title = ParagraphStyle("SummaryTitle", parent=base["Title"], fontName=bold, fontSize=16, leading=20)
        self.heading = ParagraphStyle("SummaryHeading", parent=base["Heading2"], fontName=bold, fontSize=12,
                                      leading=15, spaceBefore=10, spaceAfter=4, keepWithNext=1)
        self.body = ParagraphStyle("SummaryBody", parent=base["Normal"], fontName=regular, fontSize=9.5, leading=12)
        self.label = ParagraphStyle("SummaryLabel", parent=self.body, fontName=bold)
        # The label above a long text stays on the page of the text's first line.
        self.long_label = ParagraphStyle("SummaryLongLabel", parent=self.label, spaceBefore=3, keepWithNext=1)
        self.nested = ParagraphStyle("SummaryNested", parent=self.body, leftIndent=14)
        self.notice = ParagraphStyle("SummaryNotice", parent=self.body, textColor=colors.HexColor("#7a2e00"))
        self.regular, self.bold = regular, bold


def _grid(rows: list[list[Paragraph]]) -> Table:
    """Label and value side by side; a long value wraps, and a table taller than a page splits."""
    table = Table(rows, colWidths=[1.9 * inch, letter[0] - 2 * _MARGIN - 1.9 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                               ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _facts(facts: Iterable[Fact], styles: _Styles) -> list[Any]:
    """Short facts side by side in a grid; a long text (and the rows of a ``ROWS`` field) below its label,
    full width, in paragraphs that run on to the next page (a table cell cannot)."""
    out: list[Any] = []
    grid: list[list[Paragraph]] = []

    def flush() -> None:
        if grid:
            out.append(_grid(list(grid)))
            grid.clear()

    for fact in facts:
        label = Paragraph(escape(str(fact.label)), styles.long_label if fact.long or fact.rows else styles.label)
        if fact.field.kind == FieldKind.ROWS:
            flush()
            out.append(label)
            for _child, child_facts in fact.rows:
                out.append(Paragraph(" · ".join(f"<b>{escape(str(c.label))}</b>: {_markup(c.text)}"
                                                for c in child_facts) or "—", styles.nested))
            if not fact.rows:
                out.append(Paragraph("—", styles.nested))
        elif fact.long:
            flush()
            out.append(label)
            out += [Paragraph(_markup(line) or "&nbsp;", styles.nested) for line in _plain(fact.text).split("\n")]
        else:
            grid.append([label, Paragraph(_markup(fact.text), styles.body)])
    flush()
    return out


def _label_of_key(key: str) -> str:
    # A key in code (``court_dates``) reads as words; a key the owning app gave as a label stays as it is.
    return key.replace("_", " ").capitalize() if "_" in key or key.islower() else key


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _value_text(value: Any) -> str:
    """A value of plain data as a person reads it (a time in ISO 8601 as local YYYY-MM-DD HH:MM)."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value_text(v) for v in value)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return local.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _data(data: Any, styles: _Styles, depth: int = 0) -> list[Any]:
    """Plain data another app gives for its section (dicts, lists, values), as nested lines."""
    style = ParagraphStyle(f"SummaryData{depth}", parent=styles.body, leftIndent=14 * depth)
    if isinstance(data, dict):
        out: list[Any] = []
        for key, value in data.items():
            if isinstance(value, dict | list) and value:
                out.append(Paragraph(f"<b>{escape(_label_of_key(str(key)))}</b>", style))
                out += _data(value, styles, depth + 1)
            else:
                out.append(Paragraph(f"<b>{escape(_label_of_key(str(key)))}</b>: {_markup(_value_text(value))}",
                                     style))
        return out
    if isinstance(data, list):
        if not data:
            return [Paragraph("—", style)]
        out = []
        for number, item in enumerate(data, start=1):
            if isinstance(item, dict | list):
                if len(data) > 1:
                    out.append(Paragraph(f"{number}.", style))
                out += _data(item, styles, depth + 1)
            else:
                out.append(Paragraph(_markup(_value_text(item)), style))
        return out
    return [Paragraph(_markup(_value_text(data)), style)]


def _section(part: PrintedSection, styles: _Styles) -> list[Any]:
    story: list[Any] = [Paragraph(escape(str(part.label)), styles.heading)]
    if part.owned_elsewhere:
        story += _data(part.data, styles) if part.data else [Paragraph(escape(_("Nothing recorded.")), styles.body)]
    elif part.rows is None:
        story += _facts(part.facts, styles) if part.facts else [Paragraph(escape(_("Nothing recorded.")), styles.body)]
    elif not part.rows:
        story.append(Paragraph(escape(_("Nothing recorded.")), styles.body))
    else:
        for facts in part.rows:
            # A row whose every field was left out (identifying, without the export permission) still counts.
            story += [*(_facts(facts, styles) or [Paragraph("—", styles.body)]), _RULE()]
    return story


def _canvas_maker(header: str, styles: _Styles) -> type[canvas.Canvas]:
    """A canvas that holds its pages until the last, so each can say "Page n of m"; the confidentiality
    line is drawn at the top of every page."""

    class SummaryCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                width, height = self._pagesize
                self.setFont(styles.bold, 8.5)
                self.setFillColor(colors.HexColor("#7a2e00"))
                self.drawString(_MARGIN, height - 0.45 * inch, header)
                self.setFont(styles.regular, 8.5)
                self.setFillColor(colors.black)
                self.drawRightString(width - _MARGIN, 0.45 * inch,
                                     _("Page %(page)s of %(pages)s") % {"page": number, "pages": total})
                super().showPage()
            super().save()

    return SummaryCanvas


def printed_at(reader: Any, when: Any = None) -> str:
    """"Confidential — printed by <reader> at <time>", in the reader's language and the local time zone."""
    local = timezone.localtime(when or timezone.now())
    stamp = f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.strftime('%Z')}".strip()
    return _("Confidential — printed by %(name)s at %(when)s") % {"name": str(reader), "when": stamp}


def summary_pdf(summary: CaseSummary, *, reader: Any) -> bytes:
    """The summary laid out as a PDF."""
    styles = _Styles()
    case = summary.case
    story: list[Any] = [
        Paragraph(escape(_("Case summary")), styles.title),
        _grid([[Paragraph(escape(_("Case")), styles.label), Paragraph(escape(case.number), styles.body)],
               [Paragraph(escape(_("Track")), styles.label), Paragraph(escape(str(case.get_track_display())),
                                                                       styles.body)],
               [Paragraph(escape(_("Stage")), styles.label), Paragraph(escape(str(case.get_stage_display())),
                                                                       styles.body)]]),
        Spacer(1, 6),
    ]
    if summary.left_out or summary.fields_left_out:
        story.append(Paragraph(escape(_("Identifying details are left out of this printout: your role may not "
                                        "export them.")), styles.notice))
    story.append(Paragraph(escape(_("This printout holds what you may see of the case. Keep it confidential, "
                                    "share it no further, and shred it when done.")), styles.notice))
    for part in summary.sections:
        story += _section(part, styles)
    if not summary.sections:
        story.append(Paragraph(escape(_("No section of this case is open to you.")), styles.body))
    buffer = io.BytesIO()
    # Neutral metadata: the document's title never names the person.
    doc = SimpleDocTemplate(buffer, pagesize=letter, leftMargin=_MARGIN, rightMargin=_MARGIN,
                            topMargin=_MARGIN, bottomMargin=_MARGIN, title=_("Case summary"), author="OCTIP",
                            subject=case.number)
    doc.build(story, canvasmaker=_canvas_maker(printed_at(reader), styles))
    return buffer.getvalue()


def summary_response(summary: CaseSummary, *, reader: Any) -> HttpResponse:
    """The summary as a PDF attachment, never cached (a shared computer, a proxy)."""
    response = HttpResponse(summary_pdf(summary, reader=reader), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="case-{summary.case.number}-summary.pdf"'
    response["Cache-Control"] = "no-store"
    return response

"""The ``annual`` release: a PDF report (reportlab) to the Deputy Solicitor General, from the same
controlled figures as the aggregate release. Figures are broken down by funding ministry — adult
services under PSSG; youth and the Migrant Services Program under MCFD — and every table and chart
cites the release's reference."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import charts
from .tables import Figures

FUNDING_TABLES = ["cases_by_funding", "cases_by_region_and_funding"]


def write_pdf(figures: Figures, path: Path, *, reference: str) -> None:
    styles = getSampleStyleSheet()
    story: list = [
        Paragraph("Office to Combat Trafficking in Persons — annual statistics", styles["Title"]),
        Paragraph(f"To the Deputy Solicitor General. Year {figures.filters.year}. Release {reference}.",
                  styles["Normal"]),
        Paragraph("Funded jointly by the Ministry of Public Safety and Solicitor General (PSSG: adult services) and "
                  "the Ministry of Children and Family Development (MCFD: youth and the Migrant Services Program).",
                  styles["Normal"]),
        Paragraph(f"Counts are randomly rounded to base 5; cells under {figures.k} are suppressed (x), with "
                  "complementary suppression; F: too unreliable to be published; ..: not available. Only cases whose "
                  "person consented to de-identified statistics are counted.", styles["Italic"]),
        Spacer(1, 0.2 * inch),
    ]
    ordered = sorted(figures.tables, key=lambda t: (t.key not in FUNDING_TABLES, FUNDING_TABLES.index(t.key)
                                                    if t.key in FUNDING_TABLES else 0))
    for number, table in enumerate(ordered, start=1):
        story.append(Paragraph(f"Figure {number}. {table.title}", styles["Heading3"]))
        grid = Table(table.rows(), repeatRows=1)
        grid.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 7), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
        story.append(grid)
        image = Image(io.BytesIO(charts.png(table)), width=5.5 * inch, height=4 * inch, kind="proportional")
        story.extend([Spacer(1, 0.05 * inch), image,
                      Paragraph(f"Source: release {reference}, figure {number}.", styles["Italic"]),
                      Spacer(1, 0.15 * inch)])
    story.append(Paragraph("Medians", styles["Heading3"]))
    for key, value in figures.medians.items():
        story.append(Paragraph(f"{key.replace('_', ' ')}: {value} (source: release {reference})", styles["Normal"]))
    story.append(Paragraph(f"Cases of the year left out for want of consent: {figures.left_out} "
                           f"(source: release {reference}).", styles["Normal"]))
    doc = SimpleDocTemplate(str(path), pagesize=letter, title=f"OCTIP annual statistics {figures.filters.year}",
                            author="OCTIP", subject=reference, invariant=1)
    doc.build(story)

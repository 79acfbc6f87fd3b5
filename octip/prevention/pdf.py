"""The PDF certificate: the printed name, the course, the date, and a QR code to /verify/<id>.

The PDF is a convenience; the credential is the signed JWT (also downloadable). Anyone holding the PDF
scans the code, and the office's page says whether it is valid, revoked or unknown.
"""

from __future__ import annotations

import io

import qrcode
from django.utils import timezone
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from .models import Credential


def certificate_pdf(credential: Credential, *, verify_url: str) -> bytes:
    enrolment = credential.enrolment
    buffer = io.BytesIO()
    width, height = landscape(letter)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"Certificate — {enrolment.version.title}")
    pdf.setAuthor("Office to Combat Trafficking in Persons")
    pdf.setLineWidth(3)
    pdf.rect(0.4 * inch, 0.4 * inch, width - 0.8 * inch, height - 0.8 * inch)
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 1.4 * inch, "Office to Combat Trafficking in Persons")
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 2.2 * inch, "Certificate of completion")
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 2.9 * inch, "This certifies that")
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(width / 2, height - 3.5 * inch, enrolment.learner.display_name)
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 4.1 * inch, "completed and passed the course")
    pdf.setFont("Helvetica-Bold", 18)
    title = f"{enrolment.version.title} (version {enrolment.version.number})"
    pdf.drawCentredString(width / 2, height - 4.6 * inch, title)
    pdf.setFont("Helvetica", 12)
    issued = timezone.localtime(credential.issued_at).strftime("%Y-%m-%d")
    pdf.drawString(0.9 * inch, 1.5 * inch, f"Issued {issued}")
    pdf.drawString(0.9 * inch, 1.2 * inch, f"Certificate {credential.id}")
    pdf.drawString(0.9 * inch, 0.9 * inch, f"Verify: {verify_url}")
    image = qrcode.make(verify_url, box_size=8, border=2)
    png = io.BytesIO()
    image.save(png, "PNG")
    png.seek(0)
    size = 1.7 * inch
    pdf.drawImage(ImageReader(png), width - 0.7 * inch - size, 0.7 * inch, size, size)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

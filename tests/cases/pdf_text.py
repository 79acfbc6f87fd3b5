"""The text of a PDF, page by page, to search in tests.

With ``pypdf`` installed it reads the text; without it (it is not a dependency of the project), a small
reader of what reportlab writes: Flate-compressed content streams drawing literal strings (``Tj``), in
fonts whose ``/ToUnicode`` maps give the characters (the embedded TrueType subsets) or in a standard
font (WinAnsi). Enough for the summaries this project prints; not a general PDF reader.
"""

from __future__ import annotations

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed."""
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return [" ".join(text.split()) for text in _fallback(pdf)]
    import io

    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(pdf)}


def _stream(body: bytes) -> bytes:
    found = _STREAM.search(body)
    if not found:
        return b""
    data, head = found.group(1), body[:found.start()]
    if b"ASCII85Decode" in head:
        data = data.strip()
        data = base64.a85decode(data[2:] if data.startswith(b"<~") else data, adobe=False) \
            if not data.endswith(b"~>") else base64.a85decode(data.removeprefix(b"<~")[:-2])
    return zlib.decompress(data) if b"FlateDecode" in head else data


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _fonts(objects: dict[int, bytes], resources: bytes) -> dict[bytes, dict[int, str] | None]:
    fonts: dict[bytes, dict[int, str] | None] = {}
    inline = re.search(rb"/Font\s*<<(.*?)>>", resources, re.S)
    if inline:
        table = inline.group(1)
    else:
        ref = re.search(rb"/Font\s+(\d+) 0 R", resources)
        table = objects.get(int(ref.group(1)), b"") if ref else b""
    for name, number in re.findall(rb"/([\w+.-]+)\s+(\d+) 0 R", table):
        font = objects.get(int(number), b"")
        to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
        fonts[name] = _cmap(_stream(objects[int(to_unicode.group(1))])) if to_unicode else None
    return fonts


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """The PDF literal string opening at ``data[start] == b'('``, unescaped, and the index after it."""
    out = bytearray()
    depth, i = 1, start + 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash
            nxt = data[i + 1]
            if 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4]).group(0)
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
                continue
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    return bytes(out), i


def _page_text(content: bytes, fonts: dict[bytes, dict[int, str] | None]) -> str:
    out: list[str] = []
    font: dict[int, str] | None = None
    i = 0
    token = re.compile(rb"/([\w+.-]+)\s+[\d.]+\s+Tf|\(|T\*|Td|TD|Tm|ET|'")
    while True:
        found = token.search(content, i)
        if not found:
            break
        if found.group(0) == b"(":
            raw, i = _literal(content, found.start())
            out.append("".join(font.get(b, "") for b in raw) if font else raw.decode("cp1252", "replace"))
            continue
        if found.group(1):
            font = fonts.get(found.group(1))
        else:
            out.append("\n")
        i = found.end()
    return "".join(out)


def _fallback(pdf: bytes) -> list[str]:
    objects = _objects(pdf)
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type\s*/Page\b", body):
            continue
        contents = re.search(rb"/Contents\s+(\d+) 0 R", body)
        fonts = _fonts(objects, body)
        pages.append(_page_text(_stream(objects[int(contents.group(1))]), fonts) if contents else "")
    return pages

#!/usr/bin/env python3
"""An independent reading of an .xlsx sheet, for reconciling the Swift reader against it.

Standard library only (zipfile + xml.etree), written from ECMA-376 rather than from the Swift
code. Prints one JSON line per row that holds a value: [row_number, [cell text, ...]], cells from
column A to the last non-empty one, gaps as "". Text rules are the project's (README,
`pipeline inspect`): shared and inline strings as written (`_xHHHH_` escapes decoded, phonetic
runs left out), numbers as written with exponent forms in plain decimal, date-formatted numbers
as ISO dates (1900 system with its fictitious 29 February, or 1904), booleans TRUE/FALSE,
errors and formula strings as text.
usage: xlsx_rows.py WORKBOOK SHEET [--entry NAME]    (--entry: the workbook is an entry of the zip WORKBOOK)
"""
import datetime, decimal, io, json, posixpath, re, sys, zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
M = "{%s}" % NS["m"]


def unescape(text):
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def item_text(si):
    """The text of an <si> or <is>: its <t>, or its runs' <t>s, never phonetic runs."""
    parts = []
    for child in si:
        if child.tag == M + "t":
            parts.append(child.text or "")
        elif child.tag == M + "r":
            for t in child.iter(M + "t"):
                parts.append(t.text or "")
    return unescape("".join(parts))


def date_kind(code):
    section = code.split(";")[0]
    section = re.sub(r'"[^"]*"', "", section)
    section = re.sub(r"[\\_*].", "", section)
    for inner in re.findall(r"\[([^\]]*)\]", section):
        if inner and set(inner.lower()) <= set("hms"):
            return None
    section = re.sub(r"\[[^\]]*\]", "", section).lower()
    has_date = "d" in section or "y" in section
    has_time = "h" in section or "s" in section
    if "m" in section and not has_time:
        has_date = True
    if has_date and has_time:
        return "datetime"
    if has_date:
        return "date"
    if has_time:
        return "time"
    return None


BUILTIN = {14: "date", 15: "date", 16: "date", 17: "date", 22: "datetime", 18: "time", 19: "time", 20: "time", 21: "time", 45: "time", 47: "time"}


def number_text(text):
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError("not a number: %r" % text)
    if "e" not in text.lower():
        out = text.lstrip("+")
        if out.endswith("."):
            out = out[:-1]
        if out.startswith("."):
            out = "0" + out
        if out.startswith("-."):
            out = "-0" + out[1:]
        return out
    out = format(decimal.Decimal(text), "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return out


def serial_text(serial, kind, date1904):
    days = int(serial // 1)
    seconds = int((serial - days) * 86400 + 0.5)
    if seconds == 86400:
        days, seconds = days + 1, 0
    clock = "%02d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)
    if kind == "time" and days == 0:
        return clock
    if date1904:
        date = datetime.date(1904, 1, 1) + datetime.timedelta(days=days)
    else:
        if days < 1 or days == 60:
            raise ValueError("serial %r is not a date" % serial)
        date = datetime.date(1899, 12, 31 if days < 60 else 30) + datetime.timedelta(days=days)
    if kind == "date" and seconds == 0:
        return date.isoformat()
    return date.isoformat() + "T" + clock


def column_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def main():
    path, sheet = sys.argv[1], sys.argv[2]
    z = zipfile.ZipFile(path)
    if "--entry" in sys.argv:
        z = zipfile.ZipFile(io.BytesIO(z.read(sys.argv[sys.argv.index("--entry") + 1])))
    book = ET.fromstring(z.read("xl/workbook.xml"))
    pr = book.find("m:workbookPr", NS)
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    rid = next(s.get("{%s}id" % NS["r"]) for s in book.find("m:sheets", NS) if s.get("name") == sheet)
    rels = {r.get("Id"): r for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    target = posixpath.normpath(posixpath.join("xl", rels[rid].get("Target")))
    strings = []
    names = set(z.namelist())
    if "xl/sharedStrings.xml" in names:
        strings = [item_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
    kinds = []
    if "xl/styles.xml" in names:
        styles = ET.fromstring(z.read("xl/styles.xml"))
        codes = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iter(M + "numFmt")}
        xfs = styles.find("m:cellXfs", NS)
        for xf in (xfs if xfs is not None else []):
            fid = int(xf.get("numFmtId", "0"))
            kinds.append(date_kind(codes[fid]) if fid in codes else BUILTIN.get(fid))
    out = sys.stdout
    for _, element in ET.iterparse(z.open(target), events=("end",)):
        if element.tag != M + "row":
            continue
        cells = {}
        next_col = 0
        for c in element.findall("m:c", NS):
            col = column_index(c.get("r")) if c.get("r") else next_col
            next_col = col + 1
            t = c.get("t", "n")
            v = c.find("m:v", NS)
            if t == "inlineStr":
                inline = c.find("m:is", NS)
                text = item_text(inline) if inline is not None else ""
            elif v is None:
                text = ""
            elif t == "s":
                text = strings[int(v.text)]
            elif t == "b":
                text = "TRUE" if v.text == "1" else "FALSE"
            elif t in ("str", "e", "d"):
                text = v.text or ""
            else:
                style = int(c.get("s", "0"))
                kind = kinds[style] if style < len(kinds) else None
                text = serial_text(float(v.text), kind, date1904) if kind else number_text(v.text)
            if text:
                cells[col] = text
        if cells:
            width = max(cells) + 1
            out.write(json.dumps([int(element.get("r")), [cells.get(i, "") for i in range(width)]], ensure_ascii=False) + "\n")
        element.clear()


if __name__ == "__main__":
    main()

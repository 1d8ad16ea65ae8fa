#!/usr/bin/env python3
"""Deterministic ZIP fixture corpus for the streaming ZIP reader tests.

Writes every fixture into Fixtures/zips/ (relative to the repository root) and
writes Fixtures/zips/MANIFEST.json.  Run it again and you get byte-identical
files (fixed timestamps, fixed seeds, TZ=UTC for the real tools).

    python3 Tests/fixture-tools/make_zip_fixtures.py            # generate
    python3 Tests/fixture-tools/make_zip_fixtures.py --verify   # generate, then
        # check every good fixture with Python zipfile + `unzip -t` and print
        # what `unzip -t` says about every bad fixture

Pure standard library, plus the real `zip` (Info-ZIP 3.0) and `7z` binaries for
the fixtures whose whole point is "what the real tool writes".  Compressed
bytes depend on the installed zlib / zip / 7z versions, so regenerate on the
same image (Debian 12) if you need the committed bytes back exactly.
"""

import hashlib
import hmac
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(REPO, "Fixtures", "zips")

FIXED_DT = (2024, 3, 1, 12, 0, 0)          # every DOS timestamp in the corpus
FIXED_EPOCH = 1709294400                    # 2024-03-01T12:00:00Z
TOOL_ENV = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8", "HOME": "/tmp"}

MANIFEST = []


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------

def _practice_rows(seed, n):
    rng = random.Random(seed)
    towns = ["ACKLAM", "STOCKTON-ON-TEES", "MIDDLESBROUGH", "HARTLEPOOL", "LEEDS",
             "BRADFORD", "HULL", "YORK", "DARLINGTON", "REDCAR", "THORNABY"]
    kinds = ["SURGERY", "MEDICAL CENTRE", "HEALTH CENTRE", "MEDICAL PRACTICE",
             "FAMILY PRACTICE", "GROUP PRACTICE"]
    people = ["THE DENSHAM", "ROSEBERRY", "PARK", "QUEENSWAY", "MARSH HOUSE",
              "CHADWICK", "WOODLANDS", "BEACON", "RIVERSIDE", "ABBEY"]
    rows = ['A81001,"THE DENSHAM SURGERY, ACKLAM",1234']
    for i in range(n - 1):
        code = "%s%05d" % (rng.choice("ABCDEFGHJKLMNPY"), 81002 + i * 3)
        name = "%s %s, %s" % (rng.choice(people), rng.choice(kinds), rng.choice(towns))
        rows.append('%s,"%s",%d' % (code, name, rng.randrange(40, 4000)))
    return rows


HEADER = "PRACTICE_CODE,NAME,COUNT"
PRACTICES = ("\n".join([HEADER] + _practice_rows(1, 60)) + "\n").encode()
PRACTICES_CRLF = ("\r\n".join([HEADER] + _practice_rows(2, 40)) + "\r\n").encode()
PRACTICES_BOM = b"\xef\xbb\xbf" + ("\n".join([HEADER] + _practice_rows(3, 40)) + "\n").encode()
EMPTY = b""
SMALL = b'PRACTICE_CODE,NAME,COUNT\nA81001,"THE DENSHAM SURGERY, ACKLAM",1234\n'

STANDARD_SET = [
    ("practices.csv", PRACTICES),
    ("practices_crlf.csv", PRACTICES_CRLF),
    ("practices_bom.csv", PRACTICES_BOM),
    ("empty.csv", EMPTY),
]

HTML_ERROR_PAGE = b"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>403 Forbidden | Request blocked</title>
<style>body{font-family:Arial,Helvetica,sans-serif;margin:2em;color:#212b32}
.box{max-width:40em;border-left:6px solid #d5281b;padding:0 1em}
code{background:#f0f4f5;padding:2px 4px}</style>
</head>
<body>
<div class="box">
<h1>Sorry, you have been blocked</h1>
<p>The request to <code>files.digital.nhs.uk/assets/ods/current/epraccur.zip</code>
could not be completed because it was blocked by the edge security policy.</p>
<p>If you think this is a mistake, contact the site owner and quote the reference below.</p>
<p>Reference ID: <code>8a1f3c2e9b7d4e60-LHR</code><br>
Your IP: <code>203.0.113.24</code><br>
Time: <code>Fri, 01 Mar 2024 12:00:00 GMT</code></p>
</div>
<footer><small>Performance &amp; security by the CDN edge &middot; 403</small></footer>
</body>
</html>
"""


def sha(b):
    return hashlib.sha256(b).hexdigest()


# --------------------------------------------------------------------------
# Low-level ZIP assembly (struct), used for replicas and crafted archives
# --------------------------------------------------------------------------

def dos_time(dt=FIXED_DT):
    y, mo, d, h, mi, s = dt
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def raw_deflate(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def lfh_bytes(f):
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, f["version"], f["flags"], f["method"],
                       f["time"], f["date"], f["crc"], f["csize"], f["usize"],
                       len(f["name"]), len(f["extra"])) + f["name"] + f["extra"]


def cdh_bytes(f):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, f["made_by"], f["version"],
                       f["flags"], f["method"], f["time"], f["date"], f["crc"],
                       f["csize"], f["usize"], len(f["name"]), len(f["extra"]),
                       len(f["comment"]), 0, f["int_attr"], f["ext_attr"],
                       f["offset"]) + f["name"] + f["extra"] + f["comment"]


def eocd_bytes(count, cd_size, cd_off, comment=b"", count_disk=None):
    if count_disk is None:
        count_disk = count
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count_disk, count, cd_size,
                       cd_off, len(comment)) + comment


def zip64_eocd_bytes(count, cd_size, cd_off, made_by=0x032D, needed=45):
    return struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, made_by, needed, 0, 0,
                       count, count, cd_size, cd_off)


def zip64_locator_bytes(z64_off):
    return struct.pack("<IIQI", 0x07064B50, 0, z64_off, 1)


def extra(tag, payload):
    return struct.pack("<HH", tag, len(payload)) + payload


def descriptor(kind, crc, csize, usize):
    if kind == "sig":
        return struct.pack("<IIII", 0x08074B50, crc, csize, usize)
    if kind == "nosig":
        return struct.pack("<III", crc, csize, usize)
    if kind == "zip64":
        return struct.pack("<IIQQ", 0x08074B50, crc, csize, usize)
    raise ValueError(kind)


def build_zip(entries, comment=b"", prefix=b"", eocd=None, zip64=False):
    """Assemble an archive from entry dicts.

    Entry keys: name (bytes), data (uncompressed bytes), method (0/8/other),
    payload (raw bytes as stored; default = data deflated/stored), flags,
    crc/csize/usize (override the true values everywhere), lfh / cd (dicts of
    per-header overrides), extra_local / extra_central, made_by, version,
    ext_attr, int_attr, dd_kind ('sig'/'nosig'/'zip64'), dd (explicit
    descriptor bytes), lfh_zero_sizes (default True when bit 3 is set).
    Offsets are relative to the end of `prefix` (naive concatenation).
    """
    out = bytearray(prefix)
    base = len(prefix)
    cds = []
    t, d = dos_time()
    for e in entries:
        data = e.get("data", b"")
        method = e.get("method", 8)
        if "payload" in e:
            payload = e["payload"]
        elif method == 8:
            payload = raw_deflate(data)
        else:
            payload = data
        flags = e.get("flags", 0)
        common = dict(version=e.get("version", 20 if method == 8 else 10), flags=flags,
                      method=method, time=t, date=d,
                      crc=e.get("crc", zlib.crc32(data)),
                      csize=e.get("csize", len(payload)),
                      usize=e.get("usize", len(data)), name=e["name"])
        lf = dict(common, extra=e.get("extra_local", b""))
        if flags & 8 and e.get("lfh_zero_sizes", True):
            lf.update(crc=0, csize=0, usize=0)
        lf.update(e.get("lfh", {}))
        offset = len(out) - base
        out += lfh_bytes(lf) + payload
        if flags & 8:
            out += e.get("dd", descriptor(e.get("dd_kind", "sig"), common["crc"],
                                          common["csize"], common["usize"]))
        cd = dict(common, made_by=e.get("made_by", 0x031E), extra=e.get("extra_central", b""),
                  comment=b"", int_attr=e.get("int_attr", 0),
                  ext_attr=e.get("ext_attr", (0o100644 << 16)), offset=offset)
        cd.update(e.get("cd", {}))
        cds.append(cdh_bytes(cd))
    cd_off = len(out) - base
    for c in cds:
        out += c
    cd_size = len(out) - base - cd_off
    if zip64:
        z64_off = len(out) - base
        out += zip64_eocd_bytes(len(cds), cd_size, cd_off)
        out += zip64_locator_bytes(z64_off)
    ev = dict(count=len(cds), cd_size=cd_size, cd_off=cd_off, comment=comment)
    if eocd:
        ev.update(eocd)
    out += eocd_bytes(ev["count"], ev["cd_size"], ev["cd_off"], ev["comment"])
    return bytes(out)


# --------------------------------------------------------------------------
# Encryption helpers (so the encrypted fixtures are real and deterministic)
# --------------------------------------------------------------------------

_CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0xEDB88320 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def zipcrypto_encrypt(plain_payload, password, crc, seed):
    """Traditional PKWARE encryption (APPNOTE 6.1), 12-byte header, check byte = CRC>>24."""
    k = [305419896, 591751049, 878082192]

    def update(b):
        k[0] = (k[0] >> 8) ^ _CRC_TABLE[(k[0] ^ b) & 0xFF]
        k[1] = ((k[1] + (k[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k[2] = (k[2] >> 8) ^ _CRC_TABLE[(k[2] ^ (k[1] >> 24)) & 0xFF]

    def stream_byte():
        t = (k[2] | 2) & 0xFFFF
        return ((t * (t ^ 1)) >> 8) & 0xFF

    for b in password:
        update(b)
    rng = random.Random(seed)
    header = bytes(rng.randrange(256) for _ in range(11)) + bytes([crc >> 24])
    out = bytearray()
    for b in header + plain_payload:
        out.append(b ^ stream_byte())
        update(b)
    return bytes(out)


def _aes_build():
    sbox = [0] * 256
    p = q = 1
    while True:
        p = (p ^ ((p << 1) & 0xFF) ^ (0x1B if p & 0x80 else 0)) & 0xFF
        q ^= (q << 1) & 0xFF
        q ^= (q << 2) & 0xFF
        q ^= (q << 4) & 0xFF
        if q & 0x80:
            q ^= 0x09
        r = lambda x, s: ((x << s) | (x >> (8 - s))) & 0xFF
        sbox[p] = q ^ r(q, 1) ^ r(q, 2) ^ r(q, 3) ^ r(q, 4) ^ 0x63
        if p == 1:
            break
    sbox[0] = 0x63
    return sbox


_SBOX = _aes_build()


def _xtime(a):
    return ((a << 1) ^ 0x1B) & 0xFF if a & 0x80 else a << 1


def aes_expand_key(key):
    nk = len(key) // 4
    nr = nk + 6
    w = [list(key[4 * i:4 * i + 4]) for i in range(nk)]
    rcon = 1
    for i in range(nk, 4 * (nr + 1)):
        t = list(w[i - 1])
        if i % nk == 0:
            t = [_SBOX[b] for b in t[1:] + t[:1]]
            t[0] ^= rcon
            rcon = _xtime(rcon)
        elif nk > 6 and i % nk == 4:
            t = [_SBOX[b] for b in t]
        w.append([a ^ b for a, b in zip(w[i - nk], t)])
    return [sum(w[4 * r:4 * r + 4], []) for r in range(nr + 1)]


def aes_encrypt_block(rk, block):
    s = [a ^ b for a, b in zip(block, rk[0])]
    for rnd in range(1, len(rk)):
        s = [_SBOX[b] for b in s]
        s = [s[r + 4 * ((c + r) % 4)] for c in range(4) for r in range(4)]
        if rnd != len(rk) - 1:
            m = []
            for c in range(4):
                a = s[4 * c:4 * c + 4]
                x = a[0] ^ a[1] ^ a[2] ^ a[3]
                m += [a[i] ^ x ^ _xtime(a[i] ^ a[(i + 1) % 4]) for i in range(4)]
            s = m
        s = [a ^ b for a, b in zip(s, rk[rnd])]
    return bytes(s)


assert aes_encrypt_block(aes_expand_key(bytes(range(32))),
                         bytes.fromhex("00112233445566778899aabbccddeeff")).hex() \
    == "8ea2b7ca516745bfeafc49904b496089", "AES self-test (FIPS-197 C.3) failed"


def winzip_aes_encrypt(payload, password, seed, strength=3):
    """WinZip AE-x: salt + pw verifier + AES-CTR(LE counter from 1) + HMAC-SHA1[:10]."""
    keylen = {1: 16, 2: 24, 3: 32}[strength]
    salt = bytes(random.Random(seed).randrange(256) for _ in range(keylen // 2))
    dk = hashlib.pbkdf2_hmac("sha1", password, salt, 1000, 2 * keylen + 2)
    ekey, akey, pwv = dk[:keylen], dk[keylen:2 * keylen], dk[2 * keylen:]
    rk = aes_expand_key(ekey)
    ct = bytearray()
    for i in range(0, len(payload), 16):
        ks = aes_encrypt_block(rk, ((i // 16) + 1).to_bytes(16, "little"))
        ct += bytes(a ^ b for a, b in zip(payload[i:i + 16], ks))
    mac = hmac.new(akey, bytes(ct), hashlib.sha1).digest()[:10]
    return salt + pwv + bytes(ct) + mac


# --------------------------------------------------------------------------
# Manifest helpers
# --------------------------------------------------------------------------

def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def entry_record(name, data, method, raw_name=None, encoding=None, **kw):
    rec = {"name": name, "sha256": sha(data), "size": len(data), "method": method}
    if raw_name is not None and raw_name != name.encode("utf-8"):
        rec["raw_name_hex"] = raw_name.hex()
    elif raw_name is not None and any(b >= 0x80 for b in raw_name):
        rec["raw_name_hex"] = raw_name.hex()
    if encoding:
        rec["name_encoding"] = encoding
    rec.update(kw)
    return rec


def good(file, origin, entries, note=None, command=None):
    item = {"file": file, "origin": origin, "expect": "ok", "entries": entries}
    if command:
        item["command"] = command
    if note:
        item["note"] = note
    MANIFEST.append(item)


def bad(file, category, entry, note, detail=None, origin="crafted"):
    item = {"file": file, "origin": origin, "expect": "error", "category": category,
            "entry": entry}
    if detail:
        item["detail"] = detail
    item["note"] = note
    MANIFEST.append(item)


def entries_from_archive(path, expected, skip_dirs=True):
    """Read the archive back with zipfile; check each file entry against the
    bytes we fed the tool; return manifest entry records (CD order)."""
    recs = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if skip_dirs and info.filename.endswith("/"):
                continue
            data = z.read(info)
            want = expected[info.filename]
            if data != want:
                raise SystemExit("%s: %s content differs from source" % (path, info.filename))
            recs.append(entry_record(info.filename, data, info.compress_type))
    if len(recs) != len(expected):
        raise SystemExit("%s: expected %d file entries, got %d" % (path, len(expected), len(recs)))
    return recs


# --------------------------------------------------------------------------
# Real tools
# --------------------------------------------------------------------------

def stage(tmp, files, dirs=()):
    for dname in dirs:
        os.makedirs(os.path.join(tmp, dname), exist_ok=True)
    for name, data in files:
        p = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(p) or tmp, exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, 0o644)
        os.utime(p, (FIXED_EPOCH, FIXED_EPOCH))
    for dname in dirs:  # after the files, so their mtime sticks
        p = os.path.join(tmp, dname)
        os.chmod(p, 0o755)
        os.utime(p, (FIXED_EPOCH, FIXED_EPOCH))


def run(cmd, cwd, stdin=None):
    r = subprocess.run(cmd, cwd=cwd, env=TOOL_ENV, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit("%s failed (%d): %s" % (" ".join(cmd), r.returncode,
                                                  r.stderr.decode(errors="replace")))
    return r.stdout


def infozip(out_name, args, files, dirs=(), names=None):
    with tempfile.TemporaryDirectory() as tmp:
        stage(tmp, files, dirs)
        run(["zip", "-q"] + args + [os.path.join(OUT, out_name)] + (names or [n for n, _ in files]),
            tmp)


def sevenzip(out_name, args, files):
    with tempfile.TemporaryDirectory() as tmp:
        stage(tmp, files)
        target = os.path.join(OUT, out_name)
        if os.path.exists(target):
            os.remove(target)
        run(["7z", "a", "-tzip", "-bd", "-bso0", "-bsp0"] + args + [target]
            + [n for n, _ in files], tmp)


# --------------------------------------------------------------------------
# Good archives
# --------------------------------------------------------------------------

def make_infozip():
    exp = dict(STANDARD_SET)
    infozip("infozip_stored.zip", ["-X", "-D", "-0"], STANDARD_SET)
    good("infozip_stored.zip", "real Info-ZIP zip 3.0 -X -D",
         entries=entries_from_archive(os.path.join(OUT, "infozip_stored.zip"), exp),
         command="zip -q -X -D -0 infozip_stored.zip practices.csv practices_crlf.csv "
                 "practices_bom.csv empty.csv")

    infozip("infozip_deflated.zip", ["-X", "-D", "-9"], STANDARD_SET)
    good("infozip_deflated.zip", "real Info-ZIP zip 3.0 -X -D",
         command="zip -q -X -D -9 infozip_deflated.zip practices.csv practices_crlf.csv "
                 "practices_bom.csv empty.csv",
         entries=entries_from_archive(os.path.join(OUT, "infozip_deflated.zip"), exp),
         note="empty.csv is stored (method 0) because zip never deflates a 0-byte file")

    dir_files = [("data/practices.csv", PRACTICES), ("data/sub/practices_crlf.csv", PRACTICES_CRLF),
                 ("data/sub/empty.csv", EMPTY)]
    infozip("infozip_dirs.zip", ["-X", "-r", "-9"], dir_files, dirs=("data", "data/sub"),
            names=["data"])
    good("infozip_dirs.zip", "real Info-ZIP zip 3.0 -X -r",
         command="zip -q -X -r -9 infozip_dirs.zip data",
         entries=entries_from_archive(os.path.join(OUT, "infozip_dirs.zip"), dict(dir_files)),
         note="contains directory entries data/ and data/sub/ (not listed in entries)")

    # Streaming: `cat practices.csv | zip -q -X - - | cat > out.zip`.  stdin is a
    # pipe, so zip takes the DOS time from the clock and marks the entry as a
    # FIFO; stdout is a pipe, so zip writes bit 3 + data descriptors.  The only
    # bytes we change are the two DOS date/time fields (LFH and CDH), which zip
    # filled with "now"; everything else is exactly what zip wrote.
    r = subprocess.run("zip -q -X - - | cat", shell=True, env=TOOL_ENV, input=PRACTICES,
                       stdout=subprocess.PIPE, check=True)
    z = bytearray(r.stdout)
    t, d = dos_time()
    assert z[:4] == b"PK\x03\x04"
    struct.pack_into("<HH", z, 10, t, d)
    cd_off = struct.unpack_from("<I", z, len(z) - 22 + 16)[0]
    assert z[cd_off:cd_off + 4] == b"PK\x01\x02"
    struct.pack_into("<HH", z, cd_off + 12, t, d)
    write("infozip_streamed.zip", bytes(z))
    good("infozip_streamed.zip", "real Info-ZIP zip 3.0 -X (stdin pipe)",
         command="cat practices.csv | zip -q -X - - | cat > infozip_streamed.zip",
         entries=entries_from_archive(os.path.join(OUT, "infozip_streamed.zip"), {"-": PRACTICES}),
         note="`cat x | zip -q -X - - | cat`; entry is literally named '-'; bit 3 with a 24-byte "
              "ZIP64 data descriptor (PK0708 + crc + 8-byte sizes) because the LFH carries a "
              "zip64 extra (sizes 0xFFFFFFFF), while the CD has 32-bit sizes and no zip64 extra; "
              "external attrs are a FIFO (0o010600) because stdin was a pipe; only the two DOS "
              "time fields were patched to the fixed timestamp")

    infozip("infozip_zip64.zip", ["-X", "-D", "-9", "-fz"], STANDARD_SET)
    good("infozip_zip64.zip", "real Info-ZIP zip 3.0 -X -D",
         command="zip -q -X -D -9 -fz infozip_zip64.zip practices.csv practices_crlf.csv "
                 "practices_bom.csv empty.csv",
         entries=entries_from_archive(os.path.join(OUT, "infozip_zip64.zip"), exp),
         note="-fz forces Zip64: LFH sizes 0xFFFFFFFF + zip64 extra; CD keeps the 32-bit "
              "compressed size and puts only the uncompressed size in the zip64 extra; "
              "zip64 EOCD record + locator; EOCD cd-offset is 0xFFFFFFFF")


class _NoSeek:
    """Write-only stream: makes zipfile fall back to bit 3 + data descriptors."""

    def __init__(self, f):
        self._f = f

    def write(self, b):
        return self._f.write(b)

    def flush(self):
        self._f.flush()


def _zi(name, method):
    zi = zipfile.ZipInfo(name, FIXED_DT)
    zi.compress_type = method
    zi.external_attr = 0o100644 << 16
    zi.create_system = 3
    return zi


def make_python():
    exp = dict(STANDARD_SET)
    for fname, method in (("py_stored.zip", zipfile.ZIP_STORED),
                          ("py_deflated.zip", zipfile.ZIP_DEFLATED)):
        with zipfile.ZipFile(os.path.join(OUT, fname), "w") as z:
            for n, data in STANDARD_SET:
                z.writestr(_zi(n, method), data, compresslevel=9 if method == 8 else None)
        good(fname, "python zipfile", entries_from_archive(os.path.join(OUT, fname), exp))

    with open(os.path.join(OUT, "py_streamed_descriptor.zip"), "wb") as f:
        with zipfile.ZipFile(_NoSeek(f), "w") as z:
            for n, data in STANDARD_SET:
                with z.open(_zi(n, zipfile.ZIP_DEFLATED), "w") as w:
                    for i in range(0, len(data), 1000):
                        w.write(data[i:i + 1000])
    raw = open(os.path.join(OUT, "py_streamed_descriptor.zip"), "rb").read()
    assert raw.count(b"PK\x07\x08") == len(STANDARD_SET), "expected signed data descriptors"
    good("py_streamed_descriptor.zip", "python zipfile",
         entries=entries_from_archive(os.path.join(OUT, "py_streamed_descriptor.zip"), exp),
         note="written to a non-seekable stream: bit 3 set, LFH crc/sizes 0, 16-byte "
              "descriptors with the PK\\x07\\x08 signature")

    with zipfile.ZipFile(os.path.join(OUT, "py_zip64_forced.zip"), "w") as z:
        for n, data in STANDARD_SET:
            with z.open(_zi(n, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as w:
                w.write(data)
    good("py_zip64_forced.zip", "python zipfile",
         entries=entries_from_archive(os.path.join(OUT, "py_zip64_forced.zip"), exp),
         note="force_zip64=True: LFH has sizes 0xFFFFFFFF + zip64 extra (version 4.5); CD "
              "has plain 32-bit sizes and no zip64 extra; no zip64 EOCD (CPython behaviour)")

    names = [("Prescribing – Hôpital é.csv", PRACTICES), ("données/été – 2024.csv", SMALL)]
    with zipfile.ZipFile(os.path.join(OUT, "py_utf8_names.zip"), "w") as z:
        for n, data in names:
            z.writestr(_zi(n, zipfile.ZIP_DEFLATED), data)
    with zipfile.ZipFile(os.path.join(OUT, "py_utf8_names.zip")) as z:
        assert all(i.flag_bits & 0x800 for i in z.infolist())
    good("py_utf8_names.zip", "python zipfile",
         [entry_record(n, d, 8, raw_name=n.encode(), encoding="utf-8 (flag 0x0800 set)")
          for n, d in names])


def make_7z():
    exp = dict(STANDARD_SET)
    sevenzip("7z_deflated.zip", ["-mx=9"], STANDARD_SET)
    good("7z_deflated.zip", "real 7-Zip",
         entries=entries_from_archive(os.path.join(OUT, "7z_deflated.zip"), exp),
         note="NTFS 0x000A extra (mtime only) in the CD, version made by 6.3 Unix, external "
              "attrs = Unix mode | 0x8000 | 0x20",
         command="7z a -tzip -mx=9 7z_deflated.zip practices.csv practices_crlf.csv "
                 "practices_bom.csv empty.csv")
    sevenzip("7z_stored.zip", ["-mx=0"], STANDARD_SET)
    good("7z_stored.zip", "real 7-Zip",
         entries=entries_from_archive(os.path.join(OUT, "7z_stored.zip"), exp),
         command="7z a -tzip -mx=0 7z_stored.zip practices.csv practices_crlf.csv "
                 "practices_bom.csv empty.csv")


# ---- replicas -------------------------------------------------------------

def _ux_local(uid=501, gid=20):
    return extra(0x5855, struct.pack("<IIHH", FIXED_EPOCH, FIXED_EPOCH, uid, gid))


def _ux_central():
    return extra(0x5855, struct.pack("<II", FIXED_EPOCH, FIXED_EPOCH))


def apple_double(xattrs):
    """AppleDouble v2 '._' file as macOS copyfile(3) packs it: FinderInfo entry
    (32 bytes + 'ATTR' extended-attribute block) then an empty resource fork,
    4096 bytes total."""
    total = 4096
    rsrc_len = 286
    rsrc_off = total - rsrc_len
    fi_off = 50
    hdr = struct.pack(">IIII", 0x00051607, 0x00020000, 0, 0)[:8] + b"Mac OS X        "
    hdr += struct.pack(">H", 2)
    hdr += struct.pack(">III", 9, fi_off, rsrc_off - fi_off)
    hdr += struct.pack(">III", 2, rsrc_off, rsrc_len)
    assert len(hdr) == fi_off
    body = bytearray(hdr) + bytes(32) + bytes(2)          # FinderInfo + pad
    attr_hdr_off = len(body)                               # 84
    entries = bytearray()
    pos = attr_hdr_off + 36
    for name, _ in xattrs:
        n = name.encode() + b"\0"
        ln = 11 + len(n)
        pos += (ln + 3) & ~3
    data_start = pos
    data = bytearray()
    for name, value in xattrs:
        n = name.encode() + b"\0"
        e = struct.pack(">IIHB", data_start + len(data), len(value), 0, len(n)) + n
        entries += e + bytes(((len(e) + 3) & ~3) - len(e))
        data += value
    attr_hdr = struct.pack(">IIIII", 0x41545452, 0, rsrc_off, data_start, len(data))
    attr_hdr += bytes(12) + struct.pack(">HH", 0, len(xattrs))
    body += attr_hdr + entries + data
    body += bytes(rsrc_off - len(body))
    rsrc = bytearray(256)
    rsrc[0:16] = struct.pack(">IIII", 0x100, 0x100, 0, 0x1E)
    msg = b"This resource fork intentionally left blank   "
    rsrc[16:16 + len(msg)] = msg
    rsrc += struct.pack(">IIII", 0x100, 0x100, 0, 0x1E) + bytes(4 + 2 + 2)
    rsrc += struct.pack(">HHH", 0x1E, 0x1E, 0xFFFF)
    body += rsrc
    assert len(body) == total, len(body)
    return bytes(body)


def make_macos():
    name = unicodedata.normalize("NFD", "Meddygfeydd – Tŷ Elli.csv")
    nb = name.encode("utf-8")
    ad = apple_double([("com.apple.quarantine", b"0083;65e1c3a0;Safari;")])
    made_by, ver = 0x0315, 20          # 'version made by' 789 = Unix / 2.1, needed 2.0

    def f(n, data):
        return dict(name=n, data=data, method=8, flags=0x0008, made_by=made_by, version=ver,
                    payload=raw_deflate(data, 6), dd_kind="sig",
                    extra_local=_ux_local(), extra_central=_ux_central(),
                    ext_attr=(0o100644 << 16))

    def d(n):
        return dict(name=n, data=b"", method=0, flags=0, made_by=made_by, version=10,
                    extra_local=_ux_local(), extra_central=_ux_central(),
                    ext_attr=(0o040775 << 16))

    ents = [f(nb, PRACTICES), d(b"__MACOSX/"), f(b"__MACOSX/._" + nb, ad),
            f(b"practices_crlf.csv", PRACTICES_CRLF), f(b"empty.csv", EMPTY)]
    write("macos_archive_utility.zip", build_zip(ents))
    good("macos_archive_utility.zip", "replica of macOS Archive Utility (ditto)", [
        entry_record(name, PRACTICES, 8, raw_name=nb,
                     encoding="utf-8 NFD without flag 0x0800"),
        entry_record("__MACOSX/._" + name, ad, 8, raw_name=b"__MACOSX/._" + nb,
                     encoding="utf-8 NFD without flag 0x0800",
                     note="AppleDouble sidecar (com.apple.quarantine xattr)"),
        entry_record("practices_crlf.csv", PRACTICES_CRLF, 8),
        entry_record("empty.csv", EMPTY, 8, note="0-byte file deflated to the 2-byte stream 03 00"),
    ], note="ditto -c -k --sequesterRsrc style: every file deflated with bit 3, LFH crc/sizes 0, "
            "16-byte PK0708 descriptors; version made by 0x0315, needed 20; UX 0x5855 extra "
            "(12 data bytes local, 8 central); __MACOSX/ directory entry stored; name is "
            "NFD UTF-8 but flag 0x0800 is clear (unzip/zipfile show it as CP437 mojibake)")


def _ntfs_extra(unix_ts):
    ft = (unix_ts + 11644473600) * 10_000_000
    return extra(0x000A, struct.pack("<IHHQQQ", 0, 1, 24, ft, ft, ft))


def make_winzip():
    uname = "Surgeries – Ynys Môn.csv"
    # WinZip writes the OEM (CP437/850) best-fit name in the header (en dash -> '-')
    # and the real name in an Info-ZIP Unicode Path extra (0x7075).
    oem = "Surgeries - Ynys Môn.csv".encode("cp437")
    upath = extra(0x7075, struct.pack("<BI", 1, zlib.crc32(oem)) + uname.encode("utf-8"))
    ents = []
    for nm, data, ext in ((oem, PRACTICES, _ntfs_extra(FIXED_EPOCH) + upath),
                          (b"practices_bom.csv", PRACTICES_BOM, _ntfs_extra(FIXED_EPOCH)),
                          (b"empty.csv", EMPTY, _ntfs_extra(FIXED_EPOCH))):
        ents.append(dict(name=nm, data=data, method=8 if data else 0, made_by=0x003F,
                         version=20 if data else 10, extra_local=ext, extra_central=ext,
                         ext_attr=0x20))
    write("winzip.zip", build_zip(ents))
    good("winzip.zip", "replica of WinZip", [
        entry_record(uname, PRACTICES, 8, raw_name=oem,
                     encoding="cp437 header name + Info-ZIP Unicode Path extra 0x7075 (utf-8)"),
        entry_record("practices_bom.csv", PRACTICES_BOM, 8),
        entry_record("empty.csv", EMPTY, 0),
    ], note="replica of WinZip: version made by 0x003F (6.3, MS-DOS), DOS attr 0x20, NTFS "
            "0x000A timestamps in LFH and CD; header name is the CP437 best-fit "
            "'Surgeries - Ynys M\\x93n.csv' and 0x7075 carries the real UTF-8 name; readers "
            "that ignore 0x7075 see the CP437 name")


def make_winrar():
    nb = "Café practices.csv".encode("cp437")        # b'Caf\x82 practices.csv'
    assert b"\x82" in nb
    ents = [dict(name=nb, data=PRACTICES, method=8, made_by=0x0014, version=20,
                 extra_local=_ntfs_extra(FIXED_EPOCH), extra_central=_ntfs_extra(FIXED_EPOCH),
                 ext_attr=0x20),
            dict(name=b"practices_crlf.csv", data=PRACTICES_CRLF, method=8, made_by=0x0014,
                 version=20, extra_local=_ntfs_extra(FIXED_EPOCH),
                 extra_central=_ntfs_extra(FIXED_EPOCH), ext_attr=0x20)]
    write("winrar.zip", build_zip(ents))
    good("winrar.zip", "replica of WinRAR", [
        entry_record("Café practices.csv", PRACTICES, 8, raw_name=nb,
                     encoding="cp437 (flag 0x0800 clear, no 0x7075)"),
        entry_record("practices_crlf.csv", PRACTICES_CRLF, 8),
    ], note="replica of WinRAR ZIP output: OEM (CP437) name with 0x82 = e-acute, EFS flag "
            "clear, NTFS 0x000A timestamps, MS-DOS host, DOS archive attribute 0x20")


def make_crafted_good():
    # descriptor without the optional PK0708 signature (12-byte descriptor)
    ents = [dict(name=b"practices.csv", data=PRACTICES, flags=0x0008, dd_kind="nosig"),
            dict(name=b"practices_crlf.csv", data=PRACTICES_CRLF, flags=0x0008, dd_kind="nosig")]
    write("descriptor_no_signature.zip", build_zip(ents))
    good("descriptor_no_signature.zip", "crafted",
         [entry_record("practices.csv", PRACTICES, 8),
          entry_record("practices_crlf.csv", PRACTICES_CRLF, 8)],
         note="bit 3, LFH crc/sizes 0, 12-byte data descriptors (crc, csize, usize) with no "
              "PK\\x07\\x08 signature (allowed by APPNOTE 4.3.9.3)")

    # ZIP64 data descriptor (24 bytes) + zip64 extra in LFH and CD
    payloads = []
    ents = []
    for n, data in (("practices.csv", PRACTICES), ("practices_bom.csv", PRACTICES_BOM)):
        p = raw_deflate(data)
        payloads.append(p)
        ents.append(dict(name=n.encode(), data=data, payload=p, flags=0x0008, version=45,
                         dd_kind="zip64",
                         extra_local=extra(0x0001, struct.pack("<QQ", 0, 0)),
                         lfh=dict(csize=0xFFFFFFFF, usize=0xFFFFFFFF),
                         extra_central=extra(0x0001, struct.pack("<QQ", len(data), len(p))),
                         cd=dict(csize=0xFFFFFFFF, usize=0xFFFFFFFF)))
    write("descriptor_zip64.zip", build_zip(ents, zip64=True))
    good("descriptor_zip64.zip", "crafted",
         [entry_record("practices.csv", PRACTICES, 8),
          entry_record("practices_bom.csv", PRACTICES_BOM, 8)],
         note="bit 3; LFH sizes 0xFFFFFFFF + zip64 extra (zeros); 24-byte zip64 descriptor "
              "(PK0708, crc, 8-byte csize, 8-byte usize); CD sizes 0xFFFFFFFF + zip64 extra; "
              "zip64 EOCD + locator")

    nb = b"caf\x82.csv"
    write("cp437_name.zip", build_zip([dict(name=nb, data=SMALL, made_by=0x0014)]))
    good("cp437_name.zip", "crafted",
         [entry_record("café.csv", SMALL, 8, raw_name=nb, encoding="cp437 (flag clear)")],
         note="name bytes 63 61 66 82 2e 63 73 76 are not valid UTF-8; CP437 0x82 = e-acute")

    comment = (b"NHS Digital extract; generated 2024-03-01T12:00:00Z; contact: "
               b"data.requests@example.nhs.uk; ref EPRACCUR-2024-03")
    comment = comment.ljust(100, b".")
    write("comment.zip", build_zip([dict(name=b"practices.csv", data=PRACTICES),
                                    dict(name=b"empty.csv", data=EMPTY, method=0)],
                                   comment=comment))
    good("comment.zip", "crafted",
         [entry_record("practices.csv", PRACTICES, 8), entry_record("empty.csv", EMPTY, 0)],
         note="EOCD carries a %d-byte archive comment" % len(comment))

    # Bytes after the end record, and a comment length that runs past the end of the file:
    # Python's zipfile and Go's archive/zip read both, taking the last end-record signature.
    pair = [dict(name=b"practices.csv", data=PRACTICES), dict(name=b"empty.csv", data=EMPTY, method=0)]
    trailer = b"\r\n<!-- served by cache-node-7 -->\r\n" + b"\x00" * 64
    write("trailing_bytes.zip", build_zip(pair) + trailer)
    good("trailing_bytes.zip", "crafted",
         [entry_record("practices.csv", PRACTICES, 8), entry_record("empty.csv", EMPTY, 0)],
         note="a valid archive followed by %d bytes after the EOCD (a proxy's footer, then zero "
              "padding); Python zipfile reads it" % len(trailer))
    comment = b"NHS Digital extract; ref EPRACCUR-2024-03".ljust(100, b".")
    cut = 70
    whole = build_zip(pair, comment=comment)
    write("comment_overrun.zip", whole[:-cut])
    good("comment_overrun.zip", "crafted",
         [entry_record("practices.csv", PRACTICES, 8), entry_record("empty.csv", EMPTY, 0)],
         note="the EOCD declares a %d-byte comment but the file ends %d bytes into it; Python "
              "zipfile reads it (the comment comes back short)" % (len(comment), len(comment) - cut))

    inner = build_zip([dict(name=b"practices.csv", data=PRACTICES)])
    write("nested_zip.zip", build_zip([dict(name=b"inner.zip", data=inner, method=0)]))
    good("nested_zip.zip", "crafted", [entry_record("inner.zip", inner, 0)],
         note="nested zip not expanded")


# --------------------------------------------------------------------------
# Bad archives
# --------------------------------------------------------------------------

def make_bad():
    # --- not a zip ---
    write("plain.txt.zip", PRACTICES)
    bad("plain.txt.zip", "not_zip", None,
        "CSV text saved with a .zip name; unzip -t: 'End-of-central-directory signature not found'")
    write("html_page.zip", HTML_ERROR_PAGE)
    bad("html_page.zip", "html", None,
        "CDN 403 HTML error page saved as .zip; unzip -t: 'End-of-central-directory signature "
        "not found'")

    # --- truncated ---
    src = build_zip([dict(name=n.encode(), data=d, method=8 if d else 0)
                     for n, d in STANDARD_SET])
    write("truncated_half.zip", src[:len(src) // 2])
    bad("truncated_half.zip", "truncated", None,
        "valid 4-entry deflated zip cut at 50%% (%d of %d bytes); unzip -t: 'End-of-central-"
        "directory signature not found'" % (len(src) // 2, len(src)),
        detail={"original_size": len(src), "size": len(src) // 2})
    write("truncated_no_eocd.zip", src[:-22])
    bad("truncated_no_eocd.zip", "truncated", None,
        "same archive with only the 22-byte EOCD removed (central directory complete); "
        "unzip -t: 'End-of-central-directory signature not found'",
        detail={"original_size": len(src), "size": len(src) - 22})

    write("truncated_in_eocd.zip", src[:-10])
    bad("truncated_in_eocd.zip", "truncated", None,
        "same archive cut 10 bytes before its end, inside the EOCD (its signature is there, the "
        "record is not whole); Python zipfile: 'File is not a zip file'",
        detail={"original_size": len(src), "size": len(src) - 10})

    big = (PRACTICES * 4)
    ents = [dict(name=b"practices.csv", data=PRACTICES), dict(name=b"practices_x4.csv", data=big)]
    full = build_zip(ents)
    lfh2 = full.index(b"PK\x03\x04", 4)
    data2 = lfh2 + 30 + len(b"practices_x4.csv")
    cd_off = struct.unpack_from("<I", full, len(full) - 22 + 16)[0]
    cut_at = data2 + (cd_off - data2) // 2
    lost = 256
    trunc = full[:cut_at] + full[cut_at + lost:]
    write("truncated_in_entry.zip", trunc)
    bad("truncated_in_entry.zip", "truncated", "practices_x4.csv",
        "a %d-byte range was lost from the middle of the last entry's deflate data (broken "
        "resumed download); CD and EOCD are byte-for-byte intact, so the EOCD cd-offset now "
        "points %d bytes past the real CD and the entry's data is short; unzip -t: 'missing "
        "%d bytes in zipfile (attempting to process anyway)' "
        "then 'invalid zip file with overlapped components (possible zip bomb)'" % (lost, lost, lost),
        detail={"bytes_missing": lost, "cut_at": cut_at})

    # --- unsafe names ---
    unsafe = [
        ("unsafe_dotdot.zip", "../../evil.csv"),
        ("unsafe_absolute.zip", "/tmp/x.csv"),
        ("unsafe_drive.zip", "C:\\x.csv"),
        ("unsafe_backslash_dotdot.zip", "..\\..\\x.csv"),
        ("unsafe_mixed_slash.zip", "a/..\\..\\x.csv"),
        ("unsafe_root_dotdot.zip", "/../secret.csv"),
        ("unsafe_unc.zip", "\\\\host\\share\\x.csv"),
    ]
    for fname, n in unsafe:
        write(fname, build_zip([dict(name=n.encode(), data=SMALL)]))
        bad(fname, "unsafe_name", n, UNSAFE_NOTES[fname])

    # --- symlink ---
    write("symlink.zip", build_zip([
        dict(name=b"link.csv", data=b"/etc/passwd", method=0, ext_attr=(0o120777 << 16)),
        dict(name=b"practices.csv", data=SMALL)]))
    bad("symlink.zip", "symlink", "link.csv",
        "entry link.csv has Unix mode 0120777 (symlink, made-by Unix) with target /etc/passwd; "
        "unzip -t: 'testing: link.csv OK' (unzip does not object to symlinks when testing)")

    # --- duplicate name ---
    write("duplicate_name.zip", build_zip([dict(name=b"data.csv", data=SMALL),
                                           dict(name=b"data.csv", data=PRACTICES)]))
    bad("duplicate_name.zip", "duplicate_name", "data.csv",
        "two CD entries named data.csv with different contents; unzip -t: tests both, "
        "'No errors detected'")

    # --- encrypted ---
    payload = raw_deflate(PRACTICES)
    crc = zlib.crc32(PRACTICES)
    enc = zipcrypto_encrypt(payload, b"secret", crc, seed=7)
    write("encrypted_zipcrypto.zip", build_zip([dict(name=b"practices.csv", data=PRACTICES,
                                                     payload=enc, flags=0x0001)]))
    bad("encrypted_zipcrypto.zip", "encrypted", "practices.csv",
        "traditional PKWARE encryption (flag bit 0), real ciphertext, password 'secret'; "
        "unzip -t (no tty): 'skipping: practices.csv unable to get password'; "
        "unzip -P secret -t passes",
        detail={"method": 8, "flags": 1, "password": "secret"})

    aes_payload = raw_deflate(PRACTICES)
    enc = winzip_aes_encrypt(aes_payload, b"secret", seed=11)
    aes_extra = extra(0x9901, struct.pack("<H2sBH", 1, b"AE", 3, 8))
    write("aes_method99.zip", build_zip([dict(name=b"practices.csv", data=PRACTICES, method=99,
                                              payload=enc, flags=0x0001, version=51,
                                              extra_local=aes_extra, extra_central=aes_extra)]))
    bad("aes_method99.zip", "encrypted", "practices.csv",
        "WinZip AE-1 AES-256 (method 99, extra 0x9901 -> actual method 8), real ciphertext, "
        "password 'secret' (7z t -psecret passes); unzip -t: 'skipping: practices.csv "
        "need PK compat. v5.1 (can do v4.6)'",
        detail={"method": 99, "aes_strength": 3, "actual_method": 8, "password": "secret"})

    # --- unsupported methods (real 7-Zip) ---
    for fname, mm, num, note in (
            ("deflate64.zip", "Deflate64", 9,
             "unzip -t: OK (Debian UnZip 6.0 supports Deflate64)"),
            ("bzip2.zip", "BZip2", 12, "unzip -t: OK (UnZip 6.0 built with bzip2)"),
            ("lzma.zip", "LZMA", 14,
             "unzip -t: 'skipping: practices.csv need PK compat. v6.3 (can do v4.6)'")):
        sevenzip(fname, ["-mm=" + mm], [("practices.csv", PRACTICES)])
        with zipfile.ZipFile(os.path.join(OUT, fname)) as z:
            assert z.infolist()[0].compress_type == num
        bad(fname, "unsupported_method", "practices.csv",
            "real 7-Zip `7z a -tzip -mm=%s`; %s" % (mm, note), detail={"method": num},
            origin="real 7-Zip")

    # --- header mismatch ---
    write("header_mismatch_name.zip", build_zip([dict(name=b"data.csv", data=SMALL,
                                                      lfh=dict(name=b"evil.sh"))]))
    bad("header_mismatch_name.zip", "header_mismatch", "data.csv",
        "CD name data.csv, local header name evil.sh; unzip -t: 'data.csv: mismatching "
        "\"local\" filename (evil.sh), continuing with \"central\" filename version' then OK "
        "(rc 1)",
        detail={"field": "name", "central": "data.csv", "local": "evil.sh"})
    write("header_mismatch_method.zip", build_zip([dict(name=b"data.csv", data=PRACTICES,
                                                        lfh=dict(method=0))]))
    bad("header_mismatch_method.zip", "header_mismatch", "data.csv",
        "CD says method 8 (deflate), LFH says 0 (stored); payload is deflate; unzip -t: "
        "'ucsize 2917 <> csize 844 for STORED entry' then 'bad CRC' (UnZip uses the local "
        "method)",
        detail={"field": "method", "central": 8, "local": 0})
    p = raw_deflate(PRACTICES)
    write("header_mismatch_csize.zip", build_zip([dict(name=b"data.csv", data=PRACTICES,
                                                       lfh=dict(csize=len(p) + 100))]))
    bad("header_mismatch_csize.zip", "header_mismatch", "data.csv",
        "non-bit-3 entry: CD compressed size %d, LFH compressed size %d; unzip -t: "
        "'data.csv OK'" % (len(p), len(p) + 100),
        detail={"field": "compressed_size", "central": len(p), "local": len(p) + 100})

    # --- CRC mismatch ---
    payload = bytearray(PRACTICES)
    payload[100] ^= 0x01
    write("crc_stored_flipped.zip", build_zip([dict(name=b"practices.csv", data=PRACTICES,
                                                    method=0, payload=bytes(payload))]))
    bad("crc_stored_flipped.zip", "crc_mismatch", "practices.csv",
        "stored entry, payload byte 100 flipped (0x01), headers carry the original CRC; "
        "unzip -t: 'testing: practices.csv bad CRC 7818c3c1 (should be d079dbc8)'",
        detail={"expected_crc": "%08x" % zlib.crc32(PRACTICES),
                "actual_crc": "%08x" % zlib.crc32(bytes(payload))})
    wrong = zlib.crc32(PRACTICES) ^ 0xDEADBEEF
    write("crc_deflated_wrong.zip", build_zip([dict(name=b"practices.csv", data=PRACTICES,
                                                    crc=wrong)]))
    bad("crc_deflated_wrong.zip", "crc_mismatch", "practices.csv",
        "deflate stream inflates cleanly to the right bytes but LFH/CD CRC is wrong; "
        "unzip -t: 'bad CRC d079dbc8 (should be 0ed46527)'",
        detail={"expected_crc": "%08x" % wrong, "actual_crc": "%08x" % zlib.crc32(PRACTICES)})

    # --- deflate never reaches its final block ---
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    unterminated = c.compress(PRACTICES) + c.flush(zlib.Z_SYNC_FLUSH)
    d = zlib.decompressobj(-15)
    assert d.decompress(unterminated) == PRACTICES and not d.eof
    write("deflate_unterminated.zip", build_zip([dict(name=b"practices.csv", data=PRACTICES,
                                                      payload=unterminated)]))
    bad("deflate_unterminated.zip", "deflate_unterminated", "practices.csv",
        "Z_SYNC_FLUSH without Z_FINISH: all bytes inflate and CRC/sizes match, but the stream "
        "has no final block (no Z_STREAM_END) within the declared compressed size; "
        "unzip -t: " + UNTERMINATED_NOTE)

    # --- declared size smaller than real inflated size ---
    real = (PRACTICES * (200_000 // len(PRACTICES) + 1))[:200_000]
    write("size_mismatch.zip", build_zip([dict(name=b"practices.csv", data=real, usize=1000)]))
    bad("size_mismatch.zip", "size_mismatch", "practices.csv",
        "declared uncompressed size 1000 (LFH and CD), real inflated length 200000, CRC is "
        "the CRC of the real 200000 bytes; unzip -t: " + SIZE_MISMATCH_NOTE,
        detail={"declared_uncompressed": 1000, "actual_uncompressed": 200_000})

    # --- ratio bomb ---
    zeros = bytes(64 * 1024 * 1024)
    bomb_payload = raw_deflate(zeros)
    write("bomb.zip", build_zip([dict(name=b"zeros.csv", data=b"", payload=bomb_payload,
                                      crc=zlib.crc32(zeros), usize=len(zeros))]))
    bad("bomb.zip", "ratio_bomb", "zeros.csv",
        "one deflated entry, 64 MiB of zeros in %d compressed bytes (ratio ~%d:1), honest "
        "headers; unzip -t: 'testing: zeros.csv OK'" % (len(bomb_payload),
                                                        len(zeros) // len(bomb_payload)),
        detail={"uncompressed": len(zeros), "compressed": len(bomb_payload)})

    # --- overlapping entries (Fifield "A better zip bomb" style overlap) ---
    kernel_data = PRACTICES
    kernel = raw_deflate(kernel_data)
    name_b, name_a = b"b.csv", b"a.csv"
    t, dd = dos_time()
    lfh_b = lfh_bytes(dict(version=20, flags=0, method=8, time=t, date=dd,
                           crc=zlib.crc32(kernel_data), csize=len(kernel),
                           usize=len(kernel_data), name=name_b, extra=b""))
    # a.csv's deflate stream = non-final stored block quoting LFH(b) + b's stream
    quoted = bytes([0x00]) + struct.pack("<HH", len(lfh_b), len(lfh_b) ^ 0xFFFF) + lfh_b
    a_payload = quoted + kernel
    a_data = lfh_b + kernel_data
    lfh_a = lfh_bytes(dict(version=20, flags=0, method=8, time=t, date=dd,
                           crc=zlib.crc32(a_data), csize=len(a_payload), usize=len(a_data),
                           name=name_a, extra=b""))
    body = lfh_a + a_payload
    off_b = len(lfh_a) + 5          # skip the 5-byte stored-block header
    assert body[off_b:off_b + 4] == b"PK\x03\x04"
    cd = cdh_bytes(dict(made_by=0x031E, version=20, flags=0, method=8, time=t, date=dd,
                        crc=zlib.crc32(a_data), csize=len(a_payload), usize=len(a_data),
                        name=name_a, extra=b"", comment=b"", int_attr=0,
                        ext_attr=0o100644 << 16, offset=0))
    cd += cdh_bytes(dict(made_by=0x031E, version=20, flags=0, method=8, time=t, date=dd,
                         crc=zlib.crc32(kernel_data), csize=len(kernel),
                         usize=len(kernel_data), name=name_b, extra=b"", comment=b"",
                         int_attr=0, ext_attr=0o100644 << 16, offset=off_b))
    write("overlapping.zip", body + cd + eocd_bytes(2, len(cd), len(body)))
    bad("overlapping.zip", "overlapping", "b.csv",
        "b.csv's local header (offset %d) lies inside a.csv's compressed data (a.csv = stored "
        "block quoting b's LFH + b's deflate stream); each entry is individually valid; "
        "unzip -t: 'invalid zip file with overlapped components (possible zip bomb)'" % off_b,
        detail={"offsets": [0, off_b], "a_data_range": [len(lfh_a), len(body)]})

    # --- data descriptor disagrees with CD ---
    p = raw_deflate(PRACTICES)
    write("descriptor_mismatch.zip", build_zip([dict(
        name=b"practices.csv", data=PRACTICES, payload=p, flags=0x0008,
        dd=descriptor("sig", zlib.crc32(PRACTICES) ^ 0x00FF00FF, len(p), len(PRACTICES) + 512))]))
    bad("descriptor_mismatch.zip", "descriptor_mismatch", "practices.csv",
        "bit 3; CD crc/sizes match the data, but the PK0708 descriptor after the data has a "
        "different CRC and uncompressed size (+512); unzip -t: " + DD_MISMATCH_NOTE,
        detail={"central_crc": "%08x" % zlib.crc32(PRACTICES),
                "descriptor_crc": "%08x" % (zlib.crc32(PRACTICES) ^ 0x00FF00FF),
                "central_usize": len(PRACTICES), "descriptor_usize": len(PRACTICES) + 512})

    # --- bogus entry counts ---
    tiny = [dict(name=b"x.csv", data=SMALL, method=0)]
    z = build_zip(tiny, eocd=dict(count=65535))
    write("bogus_count_16.zip", z)
    bad("bogus_count_16.zip", "bogus_count", None,
        "%d-byte file whose EOCD claims 65535 entries (0xFFFF; CD really holds 1 entry of 51 "
        "bytes); no zip64 locator; must be rejected without allocating per claimed entry; "
        "unzip -t: " % len(z) + BOGUS16_NOTE,
        detail={"claimed_entries": 65535, "actual_entries": 1})

    base = build_zip(tiny)
    cd_off = struct.unpack_from("<I", base, len(base) - 22 + 16)[0]
    cd_size = struct.unpack_from("<I", base, len(base) - 22 + 12)[0]
    body = base[:cd_off + cd_size]
    z64 = zip64_eocd_bytes(4_000_000_000, cd_size, cd_off)
    z = body + z64 + zip64_locator_bytes(len(body)) + \
        eocd_bytes(0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    write("bogus_count_zip64.zip", z)
    bad("bogus_count_zip64.zip", "bogus_count", None,
        "%d-byte file; EOCD fields 0xFFFF/0xFFFFFFFF, zip64 EOCD record claims 4,000,000,000 "
        "entries with a %d-byte CD; unzip -t: " % (len(z), cd_size) + BOGUS64_NOTE,
        detail={"claimed_entries": 4_000_000_000, "actual_entries": 1})

    # --- HTML prefix + zip, offsets unadjusted ---
    inner = build_zip([dict(name=b"practices.csv", data=PRACTICES)])
    prefix = HTML_ERROR_PAGE[:400]
    write("prefix_data.zip", prefix + inner)
    bad("prefix_data.zip", "prefix_data", None,
        "%d bytes of HTML followed by a valid zip whose CD/EOCD offsets are relative to the "
        "zip start (naive concatenation); unzip -t: 'warning: %d extra bytes at beginning or "
        "within zipfile (attempting to process anyway)' then OK" % (len(prefix), len(prefix)),
        detail={"prefix_length": len(prefix)})

    # --- empty archive ---
    write("empty_archive.zip", eocd_bytes(0, 0, 0))
    bad("empty_archive.zip", "empty", None,
        "22-byte EOCD only, zero entries; unzip -t: 'warning [...]: zipfile is empty' (rc 1)")

    # --- directory with data ---
    write("directory_with_data.zip", build_zip([
        dict(name=b"data/", data=SMALL, method=0, ext_attr=(0o040755 << 16) | 0x10),
        dict(name=b"data/practices.csv", data=PRACTICES)]))
    bad("directory_with_data.zip", "directory_with_data", "data/",
        "entry 'data/' (directory mode 040755 + DOS dir bit) carries a %d-byte stored payload; "
        "unzip -t: " % len(SMALL) + DIR_DATA_NOTE, detail={"size": len(SMALL)})


# Observed `unzip -t` (UnZip 6.00, Debian 12) results, filled in from --verify runs.
UNSAFE_NOTES = {
    "unsafe_dotdot.zip": "name ../../evil.csv; unzip -t: 'testing: ../../evil.csv OK' (UnZip "
                         "only sanitises '../' when extracting)",
    "unsafe_absolute.zip": "name /tmp/x.csv; unzip -t: 'testing: /tmp/x.csv OK'",
    "unsafe_drive.zip": "name C:\\x.csv with a literal backslash (made-by Unix); unzip -t: "
                        "'testing: C:\\x.csv OK'",
    "unsafe_backslash_dotdot.zip": "name ..\\..\\x.csv; unzip -t: 'testing: ..\\..\\x.csv OK'",
    "unsafe_mixed_slash.zip": "name a/..\\..\\x.csv; unzip -t: 'testing: a/..\\..\\x.csv OK'",
    "unsafe_root_dotdot.zip": "name /../secret.csv; unzip -t: 'testing: /../secret.csv OK'",
    "unsafe_unc.zip": "name \\\\host\\share\\x.csv; unzip -t: 'testing: \\\\host\\share\\x.csv OK'",
}
UNTERMINATED_NOTE = "'error:  invalid compressed data to inflate'"
SIZE_MISMATCH_NOTE = "'testing: practices.csv OK' (UnZip does not compare inflated length " \
                     "with the declared size)"
DD_MISMATCH_NOTE = "'testing: practices.csv OK' (UnZip ignores the descriptor when the CD " \
                   "is present)"
BOGUS16_NOTE = "'error: expected central file header signature not found (file #2)' " \
               "then tests x.csv OK (rc 3)"
BOGUS64_NOTE = BOGUS16_NOTE
DIR_DATA_NOTE = "'testing: data/ OK'"


# --------------------------------------------------------------------------

def verify():
    ok = True
    print("== good fixtures ==")
    for item in MANIFEST:
        path = os.path.join(OUT, item["file"])
        if item["expect"] == "ok":
            with zipfile.ZipFile(path) as z:
                infos = [i for i in z.infolist() if not i.filename.endswith("/")]
                for rec, info in zip(item["entries"], infos):
                    raw = info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
                    want_raw = bytes.fromhex(rec["raw_name_hex"]) if "raw_name_hex" in rec \
                        else rec["name"].encode()
                    data = z.read(info)
                    if raw != want_raw or sha(data) != rec["sha256"] or \
                            len(data) != rec["size"] or info.compress_type != rec["method"]:
                        print("  MISMATCH", item["file"], rec["name"])
                        ok = False
                if len(infos) != len(item["entries"]):
                    print("  COUNT MISMATCH", item["file"])
                    ok = False
            r = subprocess.run(["unzip", "-t", "-q", path], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=TOOL_ENV)
            print("  %-32s zipfile ok; unzip -t rc=%d %s" % (
                item["file"], r.returncode,
                r.stdout.decode(errors="replace").strip().splitlines()[-1][:70]))
            if r.returncode not in (0, 1):
                ok = False
    print("== bad fixtures: unzip -t says ==")
    for item in MANIFEST:
        if item["expect"] == "error":
            path = os.path.join(OUT, item["file"])
            r = subprocess.run(["unzip", "-t", path], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=TOOL_ENV)
            lines = [l.strip() for l in r.stdout.decode(errors="replace").splitlines()
                     if l.strip() and not l.startswith("Archive:")]
            print("  %-32s rc=%d | %s" % (item["file"], r.returncode, " | ".join(lines)[:300]))
    return ok


def main():
    if os.path.isdir(OUT):
        for fn in os.listdir(OUT):
            if fn.endswith(".zip") or fn == "MANIFEST.json":
                os.remove(os.path.join(OUT, fn))
    os.makedirs(OUT, exist_ok=True)
    if not shutil.which("zip") or not shutil.which("7z"):
        raise SystemExit("needs Info-ZIP `zip` and `7z` (p7zip-full) on PATH")
    make_infozip()
    make_python()
    make_7z()
    make_macos()
    make_winzip()
    make_winrar()
    make_crafted_good()
    make_bad()
    for item in MANIFEST:
        size = os.path.getsize(os.path.join(OUT, item["file"]))
        assert size <= 200 * 1024, (item["file"], size)
    with open(os.path.join(OUT, "MANIFEST.json"), "w", encoding="utf-8") as f:
        json.dump({"fixtures": MANIFEST}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote %d fixtures to %s" % (len(MANIFEST), OUT))
    if "--verify" in sys.argv[1:]:
        if not verify():
            raise SystemExit("verification FAILED")


if __name__ == "__main__":
    main()

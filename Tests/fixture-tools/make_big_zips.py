#!/usr/bin/env python3
"""Generate the two large ZIP64 fixtures on demand (never committed).

    python3 Tests/fixture-tools/make_big_zips.py OUTDIR over4g
    python3 Tests/fixture-tools/make_big_zips.py OUTDIR manyentries

Prints the path of the written archive on stdout.  Pure standard library,
deterministic (fixed DOS timestamp), a few seconds each.

over4g       over4g.zip: one deflated entry `zeros.bin`, 4 GiB + 65,536 bytes of
             zeros (4,295,032,832 bytes).  LFH sizes 0xFFFFFFFF + zip64 extra
             (usize, csize); CD sizes 0xFFFFFFFF + zip64 extra (usize, csize);
             zip64 EOCD record + locator; EOCD cd-offset 0xFFFFFFFF.  ~4.2 MB on disk.
manyentries  manyentries.zip: 70,000 stored entries d/000000.csv ... d/069999.csv,
             entry i holds b"a,b\\n<i>,x\\n".  Entry count > 65,535, so the EOCD
             count fields are 0xFFFF and the real count is in the zip64 EOCD record.
             ~8 MB on disk.
"""

import os
import struct
import sys
import zlib

DOS_TIME, DOS_DATE = (12 << 11), ((2024 - 1980) << 9) | (3 << 5) | 1   # 2024-03-01 12:00:00
MADE_BY = 0x031E          # Unix, spec 3.0
EXT_ATTR = 0o100644 << 16

OVER4G_SIZE = 4 * 1024 ** 3 + 65536
BLOCK = 1024 * 1024


def zip64_tail(f, count, cd_off, cd_size, eocd_count, eocd_size, eocd_off):
    z64_off = f.tell()
    f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, MADE_BY, 45, 0, 0,
                        count, count, cd_size, cd_off))
    f.write(struct.pack("<IIQI", 0x07064B50, 0, z64_off, 1))
    f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, eocd_count, eocd_count,
                        eocd_size, eocd_off, 0))


def over4g(outdir):
    path = os.path.join(outdir, "over4g.zip")
    name = b"zeros.bin"
    with open(path, "wb") as f:
        # Local header: sizes deferred to the zip64 extra, patched after streaming.
        lfh_extra_at = 30 + len(name) + 4
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, DOS_TIME, DOS_DATE,
                            0, 0xFFFFFFFF, 0xFFFFFFFF, len(name), 20))
        f.write(name)
        f.write(struct.pack("<HHQQ", 0x0001, 16, 0, 0))
        data_start = f.tell()

        # Each 1 MiB zero block goes through compressobj and is ended with
        # Z_FULL_FLUSH, which resets the deflate state, so every block compresses
        # to the same bytes.  Once two consecutive blocks are seen to be
        # identical the bytes are reused (if this zlib ever disagrees we keep
        # compressing every block).  CRC-32 is computed over every block.
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        block = bytes(BLOCK)
        repeat_bytes = None
        prev = None
        crc = 0
        remaining = OVER4G_SIZE
        while remaining >= BLOCK:
            crc = zlib.crc32(block, crc)
            if repeat_bytes is None:
                out = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
                if out == prev:
                    repeat_bytes = out
                prev = out
            else:
                out = repeat_bytes
            f.write(out)
            remaining -= BLOCK
        tail = bytes(remaining)
        crc = zlib.crc32(tail, crc)
        f.write(comp.compress(tail) + comp.flush(zlib.Z_FINISH))
        csize = f.tell() - data_start

        cd_off = f.tell()
        f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, MADE_BY, 45, 0, 8,
                            DOS_TIME, DOS_DATE, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                            len(name), 20, 0, 0, 0, EXT_ATTR, 0))
        f.write(name)
        f.write(struct.pack("<HHQQ", 0x0001, 16, OVER4G_SIZE, csize))
        cd_size = f.tell() - cd_off
        zip64_tail(f, 1, cd_off, cd_size, 1, cd_size, 0xFFFFFFFF)

        f.seek(14)
        f.write(struct.pack("<I", crc))
        f.seek(lfh_extra_at)
        f.write(struct.pack("<QQ", OVER4G_SIZE, csize))
    return path


def manyentries(outdir, count=70000):
    path = os.path.join(outdir, "manyentries.zip")
    buf = bytearray()
    cd = bytearray()
    for i in range(count):
        name = b"d/%06d.csv" % i
        data = b"a,b\n%d,x\n" % i
        crc = zlib.crc32(data)
        off = len(buf)
        buf += struct.pack("<IHHHHHIIIHH", 0x04034B50, 10, 0, 0, DOS_TIME, DOS_DATE,
                           crc, len(data), len(data), len(name), 0)
        buf += name
        buf += data
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, MADE_BY, 10, 0, 0,
                          DOS_TIME, DOS_DATE, crc, len(data), len(data), len(name),
                          0, 0, 0, 0, EXT_ATTR, off)
        cd += name
    with open(path, "wb") as f:
        f.write(buf)
        cd_off = f.tell()
        f.write(cd)
        zip64_tail(f, count, cd_off, len(cd), 0xFFFF, len(cd), cd_off)
    return path


def main(argv):
    if len(argv) != 3 or argv[2] not in ("over4g", "manyentries"):
        sys.stderr.write("usage: make_big_zips.py OUTDIR over4g|manyentries\n")
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    path = over4g(outdir) if argv[2] == "over4g" else manyentries(outdir)
    print(os.path.abspath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

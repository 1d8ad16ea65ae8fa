"""Self-test of fixture_server.py (stdlib only).

    python3 -m unittest Tests/http/test_fixture_server.py -v     # from the repository root
"""

import email.utils
import gzip
import hashlib
import http.client
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fixture_server.py")
HOST = "files.digital.nhs.uk"
ZIP_PATH = "/%s/AB/CDEF01/x.zip" % HOST
ZIP_BYTES = bytes(range(256)) * 40  # 10240 bytes


def etag_of(data):
    return '"%s"' % hashlib.sha256(data).hexdigest()[:16]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FixtureServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="fixture-server-test-")
        cls.write("%s/AB/CDEF01/x.zip" % HOST, ZIP_BYTES)
        cls.write("%s/pub/index.html" % HOST, b"<html>index</html>")
        cls.write("%s/data.csv" % HOST, b"a,b\n1,2\n")
        cls.write("%s/doc.pdf" % HOST, b"%PDF-1.4")
        cls.write("%s/book.xlsx" % HOST, b"PK\x03\x04")
        cls.write("%s/blob.bin" % HOST, b"\x00\x01")
        cls.write("pages/error.html", b"<html>Service unavailable</html>")
        cls.log = tempfile.TemporaryFile()
        cls.proc = subprocess.Popen([sys.executable, SERVER, "--root", cls.root, "--port", "0"],
                                    stdout=subprocess.PIPE, stderr=cls.log)
        ready, _, _ = select.select([cls.proc.stdout], [], [], 10)
        line = cls.proc.stdout.readline().decode() if ready else ""
        if not line.startswith("READY "):
            cls.proc.kill()
            raise RuntimeError("server did not print READY: %r" % line)
        cls.ready_line = line
        cls.port = int(line.split()[1])
        cls.base = "http://127.0.0.1:%d" % cls.port

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.proc.poll() is None:
                cls.control("POST", "/__control/shutdown")
                cls.proc.wait(5)
        finally:
            if cls.proc.poll() is None:
                cls.proc.kill()
                cls.proc.wait()
            cls.proc.stdout.close()
            cls.log.close()
            shutil.rmtree(cls.root, ignore_errors=True)

    @classmethod
    def write(cls, rel, data, mtime=None):
        path = os.path.join(cls.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    @classmethod
    def control(cls, method, path, doc=None):
        conn = http.client.HTTPConnection("127.0.0.1", cls.port, timeout=5)
        try:
            body = None if doc is None else json.dumps(doc).encode()
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"null")
        finally:
            conn.close()

    def setUp(self):
        self.write("%s/AB/CDEF01/x.zip" % HOST, ZIP_BYTES, mtime=1_600_000_000)
        self.assertEqual(self.control("DELETE", "/__control/faults")[0], 200)
        self.assertEqual(self.control("DELETE", "/__control/requests")[0], 200)

    def faults(self, path, *faults, repeat=False):
        status, doc = self.control("POST", "/__control/faults",
                                   {"path": path, "faults": list(faults), "repeat": repeat})
        self.assertEqual(status, 200, doc)

    def get(self, path, headers=None, method="GET"):
        """(status, headers, body) without following redirects or raising on errors."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()

    def raw(self, request, timeout=5):
        """Send raw bytes, read until EOF; returns (bytes, exception or None)."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        data, error = b"", None
        try:
            sock.sendall(request)
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError as exc:
            error = exc
        finally:
            sock.close()
        return data, error

    # ---- normal serving ---------------------------------------------------------------------------

    def test_ready_line(self):
        self.assertRegex(self.ready_line, r"^READY \d+\n$")
        self.assertGreater(self.port, 0)

    def test_file_headers(self):
        status, headers, body = self.get(ZIP_PATH)
        self.assertEqual(status, 200)
        self.assertEqual(body, ZIP_BYTES)
        self.assertEqual(headers["Content-Length"], str(len(ZIP_BYTES)))
        self.assertEqual(headers["Content-Type"], "application/zip")
        self.assertEqual(headers["ETag"], etag_of(ZIP_BYTES))
        self.assertEqual(headers["Last-Modified"], "Sun, 13 Sep 2020 12:26:40 GMT")
        self.assertIsNone(headers["Connection"])

    def test_content_types_and_directory_index(self):
        for path, ctype in [("/%s/data.csv" % HOST, "text/csv"), ("/%s/doc.pdf" % HOST, "application/pdf"),
                            ("/%s/book.xlsx" % HOST,
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                            ("/%s/blob.bin" % HOST, "application/octet-stream"),
                            ("/%s/pub" % HOST, "text/html"), ("/%s/pub/" % HOST, "text/html")]:
            status, headers, _ = self.get(path)
            self.assertEqual((status, headers["Content-Type"]), (200, ctype), path)

    def test_missing_and_traversal_are_404(self):
        self.assertEqual(self.get("/%s/nope.zip" % HOST)[0], 404)
        data, _ = self.raw(b"GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertTrue(data.startswith(b"HTTP/1.1 404"), data[:40])

    def test_head(self):
        status, headers, body = self.get(ZIP_PATH, method="HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(headers["Content-Length"], str(len(ZIP_BYTES)))

    def test_conditional_get(self):
        self.assertEqual(self.get(ZIP_PATH, {"If-None-Match": etag_of(ZIP_BYTES)})[:1], (304,))
        self.assertEqual(self.get(ZIP_PATH, {"If-None-Match": '"other"'})[0], 200)
        self.assertEqual(self.get(ZIP_PATH, {"If-Modified-Since": "Sun, 13 Sep 2020 12:26:40 GMT"})[0], 304)
        self.assertEqual(self.get(ZIP_PATH, {"If-Modified-Since": "Sat, 12 Sep 2020 00:00:00 GMT"})[0], 200)
        status, headers, body = self.get(ZIP_PATH, {"If-None-Match": etag_of(ZIP_BYTES)})
        self.assertEqual((status, body, headers["ETag"]), (304, b"", etag_of(ZIP_BYTES)))
        log = self.control("GET", "/__control/requests")[1]
        self.assertEqual(log[0]["headers"]["if-none-match"], etag_of(ZIP_BYTES))
        self.assertEqual(log[0]["status"], 304)

    def test_file_changing_between_requests(self):
        first = self.get(ZIP_PATH)[1]
        new = b"new content"
        self.write("%s/AB/CDEF01/x.zip" % HOST, new, mtime=1_700_000_000)
        status, headers, body = self.get(ZIP_PATH, {"If-None-Match": first["ETag"]})
        self.assertEqual((status, body), (200, new))
        self.assertEqual(headers["ETag"], etag_of(new))
        self.assertEqual(headers["Content-Length"], str(len(new)))
        self.assertEqual(headers["Last-Modified"], email.utils.formatdate(1_700_000_000, usegmt=True))

    def test_range(self):
        status, headers, body = self.get(ZIP_PATH, {"Range": "bytes=10000-"})
        self.assertEqual((status, body), (206, ZIP_BYTES[10000:]))
        self.assertEqual(headers["Content-Range"], "bytes 10000-10239/10240")
        self.assertEqual(headers["Content-Length"], "240")
        self.assertEqual(self.get(ZIP_PATH, {"Range": "bytes=99999-"})[0], 416)
        # If-Range with a stale validator: the whole (changed) file, not a splice
        self.assertEqual(self.get(ZIP_PATH, {"Range": "bytes=5-", "If-Range": '"stale"'})[0], 200)

    def test_keep_alive_and_connection_close_on_faults(self):
        self.faults(ZIP_PATH, {"status": 500})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            for _ in range(2):  # two requests on one connection
                conn.request("GET", "/%s/data.csv" % HOST)
                resp = conn.getresponse()
                self.assertEqual((resp.status, resp.read()), (200, b"a,b\n1,2\n"))
            conn.request("GET", ZIP_PATH)
            resp = conn.getresponse()
            resp.read()
            self.assertEqual((resp.status, resp.headers["Connection"]), (500, "close"))
        finally:
            conn.close()

    def test_bad_requests_do_not_crash(self):
        data, _ = self.raw(b"\x16\x03\x01garbage\r\n\r\n")  # e.g. TLS to a plain-HTTP port
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:40])
        data, _ = self.raw(b"GET /x HTTP/9.Z\r\nHost: x\r\n\r\n")
        self.assertIn(b" 400 ", data[:20])
        data, _ = self.raw(b"GET /x HTTP/1.1\r\nConnection: close\r\nBroken header line\r\n\r\n")
        self.assertTrue(data.startswith(b"HTTP/1."), data[:40])
        data, _ = self.raw(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b"501", data[:20])
        self.assertEqual(self.control("POST", "/__control/faults", {"path": ZIP_PATH,
                                                                    "faults": [{"trunc": 1}]})[0], 400)
        self.assertEqual(self.control("POST", "/__control/faults", {"path": "x", "faults": []})[0], 400)
        self.assertEqual(self.get(ZIP_PATH)[0], 200)

    # ---- fault queue semantics ----------------------------------------------------------------------

    def test_queue_then_normal(self):
        self.faults(ZIP_PATH, {"status": 404}, {"status": 500})
        self.assertEqual([self.get(ZIP_PATH)[0] for _ in range(3)], [404, 500, 200])

    def test_repeat_and_clear(self):
        self.faults(ZIP_PATH, {"status": 404}, {"status": 503}, repeat=True)
        self.assertEqual([self.get(ZIP_PATH)[0] for _ in range(4)], [404, 503, 503, 503])
        self.control("DELETE", "/__control/faults")
        self.assertEqual(self.get(ZIP_PATH)[0], 200)

    def test_request_log(self):
        self.faults(ZIP_PATH, {"status": 503}, {"status": 503})
        for _ in range(3):
            self.get(ZIP_PATH, {"User-Agent": "test-agent"})
        log = self.control("GET", "/__control/requests")[1]
        self.assertEqual([(r["method"], r["path"], r["status"]) for r in log],
                         [("GET", ZIP_PATH, 503), ("GET", ZIP_PATH, 503), ("GET", ZIP_PATH, 200)])
        self.assertEqual(log[0]["headers"]["user-agent"], "test-agent")
        self.assertEqual(log[0]["fault"], {"status": 503})
        self.assertLessEqual(log[0]["monotonic"], log[1]["monotonic"])
        self.assertEqual(len(self.control("GET", "/__control/requests?path=/nope")[1]), 0)

    # ---- each fault -------------------------------------------------------------------------------

    def test_status_faults(self):
        for code in (304, 404, 410, 500, 503):
            self.faults(ZIP_PATH, {"status": code})
            status, headers, body = self.get(ZIP_PATH)
            self.assertEqual(status, code)
            self.assertEqual(headers["Connection"], "close")
            self.assertLess(len(body), 100)

    def test_429_retry_after(self):
        date = "Wed, 21 Oct 2015 07:28:00 GMT"
        self.faults(ZIP_PATH, {"status": 429, "retry_after": "2"}, {"status": 429, "retry_after": date})
        self.assertEqual(self.get(ZIP_PATH)[1]["Retry-After"], "2")
        self.assertEqual(self.get(ZIP_PATH)[1]["Retry-After"], date)

    def test_truncate(self):
        self.faults(ZIP_PATH, {"truncate": 0.5})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", ZIP_PATH)
            resp = conn.getresponse()
            self.assertEqual(resp.headers["Content-Length"], str(len(ZIP_BYTES)))
            with self.assertRaises(http.client.IncompleteRead) as ctx:
                resp.read()
            self.assertEqual(ctx.exception.partial, ZIP_BYTES[:len(ZIP_BYTES) // 2])
        finally:
            conn.close()

    def test_reset(self):
        self.faults(ZIP_PATH, {"reset": 0.3})
        data, error = self.raw(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % ZIP_PATH).encode())
        self.assertIsInstance(error, ConnectionResetError)
        self.assertLess(len(data), len(ZIP_BYTES))
        log = self.control("GET", "/__control/requests")[1]
        self.assertEqual(log[0]["bytes_sent"], int(len(ZIP_BYTES) * 0.3))

    def test_slow(self):
        self.write("%s/small.bin" % HOST, b"s" * 400)
        self.faults("/%s/small.bin" % HOST, {"slow": 2000})  # 400 bytes at 2000 B/s ~ 0.2 s
        started = time.monotonic()
        status, _, body = self.get("/%s/small.bin" % HOST)
        self.assertEqual((status, body), (200, b"s" * 400))
        self.assertGreaterEqual(time.monotonic() - started, 0.15)

    def test_client_hanging_up_mid_body(self):
        self.faults(ZIP_PATH, {"slow": 20000})
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % ZIP_PATH).encode())
        sock.recv(100)
        sock.close()
        self.assertEqual(self.get(ZIP_PATH)[0], 200)

    def test_redirects(self):
        self.faults(ZIP_PATH, {"redirect": "https://evil.example/x.zip", "status": 302},
                    {"redirect": "/%s/data.csv" % HOST, "status": 301})
        status, headers, _ = self.get(ZIP_PATH)
        self.assertEqual((status, headers["Location"]), (302, "https://evil.example/x.zip"))
        with urllib.request.urlopen(self.base + ZIP_PATH, timeout=5) as resp:  # follows the relative one
            self.assertEqual((resp.status, resp.read()), (200, b"a,b\n1,2\n"))
        opener = urllib.request.build_opener(NoRedirect)
        self.faults(ZIP_PATH, {"redirect": "/elsewhere"})
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            opener.open(self.base + ZIP_PATH, timeout=5)
        self.assertEqual(ctx.exception.code, 302)
        ctx.exception.close()

    def test_body_file(self):
        self.faults(ZIP_PATH, {"body_file": "pages/error.html", "content_type": "text/html", "status": 200})
        status, headers, body = self.get(ZIP_PATH)
        self.assertEqual((status, headers["Content-Type"], body),
                         (200, "text/html", b"<html>Service unavailable</html>"))

    def test_literal_body_with_status(self):
        self.faults(ZIP_PATH, {"body": "<p>oops</p>", "content_type": "text/html", "status": 500})
        self.assertEqual(self.get(ZIP_PATH)[::2], (500, b"<p>oops</p>"))
        self.faults(ZIP_PATH, {"body": "plain"})
        status, headers, body = self.get(ZIP_PATH)
        self.assertEqual((status, body, headers["Content-Type"]), (200, b"plain", "text/plain; charset=utf-8"))

    def test_ignore_range(self):
        self.faults(ZIP_PATH, {"ignore_range": True})
        status, headers, body = self.get(ZIP_PATH, {"Range": "bytes=100-"})
        self.assertEqual((status, body), (200, ZIP_BYTES))
        self.assertIsNone(headers["Content-Range"])

    def test_gzip(self):
        self.faults(ZIP_PATH, {"gzip": True})
        status, headers, body = self.get(ZIP_PATH)
        self.assertEqual((status, headers["Content-Encoding"]), (200, "gzip"))
        self.assertEqual(headers["Content-Length"], str(len(body)))
        self.assertEqual(gzip.decompress(body), ZIP_BYTES)

    def test_validator_overrides(self):
        lm = "Mon, 01 Jan 2024 00:00:00 GMT"
        self.faults(ZIP_PATH, {"etag": '"custom"', "last_modified": lm}, {"etag": None})
        headers = self.get(ZIP_PATH)[1]
        self.assertEqual((headers["ETag"], headers["Last-Modified"]), ('"custom"', lm))
        self.assertIsNone(self.get(ZIP_PATH)[1]["ETag"])

    def test_delay_and_extra_headers(self):
        self.faults(ZIP_PATH, {"delay": 0.1, "headers": {"Content-Disposition": "attachment"}})
        started = time.monotonic()
        headers = self.get(ZIP_PATH)[1]
        self.assertGreaterEqual(time.monotonic() - started, 0.09)
        self.assertEqual(headers["Content-Disposition"], "attachment")


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""HTTP fixture server for the downloader tests (stdlib only; see README.md next to this file).

    python3 fixture_server.py --root DIR [--port 0] [--quiet] [--exit-with-parent]

Serves ROOT/HOST/PATH at /HOST/PATH on 127.0.0.1, prints `READY <port>` once listening, and lets
tests inject faults per request path through /__control/.
"""

import argparse
import email.utils
import gzip
import hashlib
import json
import os
import socket
import socketserver
import stat
import struct
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".csv": "text/csv",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".txt": "text/plain",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
LOGGED_HEADERS = ("Range", "If-None-Match", "If-Modified-Since", "User-Agent")
CONTROL_PREFIX = "/__control"
ETAG_HEX_CHARS = 16

_NUMBER = (int, float)
# key -> (accepted types, human description); bool is rejected where a number is expected.
FAULT_KEYS = {
    "status": ((int,), "integer 100-599"),
    "retry_after": ((str, int), "string (seconds or HTTP-date) or integer"),
    "truncate": (_NUMBER, "fraction 0-1 of the body to send before closing"),
    "reset": (_NUMBER, "fraction 0-1 of the body to send before a TCP reset"),
    "slow": (_NUMBER, "bytes per second > 0"),
    "delay": (_NUMBER, "seconds to wait before the response headers"),
    "redirect": ((str,), "absolute or relative URL"),
    "body_file": ((str,), "path relative to --root"),
    "body": ((str,), "literal body text"),
    "content_type": ((str,), "Content-Type value"),
    "ignore_range": ((bool,), "boolean"),
    "gzip": ((bool,), "boolean"),
    "etag": ((str, type(None)), "ETag value (quoted) or null to omit"),
    "last_modified": ((str, type(None)), "HTTP-date or null to omit"),
    "headers": ((dict,), "object of extra response headers"),
}
NO_BODY_STATUSES = {204, 304}
_log_lock = threading.Lock()


def log(line):
    with _log_lock:
        try:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


def parse_http_date(value):
    """UTC timestamp of an HTTP-date, or None."""
    try:
        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else email.utils.mktime_tz(parsed)
    except (TypeError, ValueError, OverflowError):
        return None


def validate_fault(fault):
    if not isinstance(fault, dict):
        return "each fault must be a JSON object, got %r" % (fault,)
    for key, value in fault.items():
        if key not in FAULT_KEYS:
            return "unknown fault key %r (known: %s)" % (key, ", ".join(sorted(FAULT_KEYS)))
        types, desc = FAULT_KEYS[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            return "fault key %r must be %s, got %r" % (key, desc, value)
    if "status" in fault and not 100 <= fault["status"] <= 599:
        return "status must be 100-599"
    for key in ("truncate", "reset"):
        if key in fault and not 0 <= fault[key] <= 1:
            return "%s must be a fraction between 0 and 1" % key
    if "slow" in fault and fault["slow"] <= 0:
        return "slow must be > 0 bytes/second"
    if "delay" in fault and fault["delay"] < 0:
        return "delay must be >= 0"
    if "body" in fault and "body_file" in fault:
        return "body and body_file are mutually exclusive"
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in fault.get("headers", {}).items()):
        return "headers must map strings to strings"
    return None


class State:
    """Fault queues and the request log, shared by all handler threads."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.lock = threading.Lock()
        self.faults = {}  # path -> {"queue": [fault, ...], "repeat": bool}
        self.requests = []
        self.seq = 0

    def set_faults(self, path, faults, repeat):
        with self.lock:
            if faults:
                self.faults[path] = {"queue": [dict(f) for f in faults], "repeat": bool(repeat)}
            else:
                self.faults.pop(path, None)

    def clear_faults(self, path=None):
        with self.lock:
            if path is None:
                self.faults.clear()
            else:
                self.faults.pop(path, None)

    def snapshot_faults(self):
        with self.lock:
            return {p: {"queue": list(e["queue"]), "repeat": e["repeat"]} for p, e in self.faults.items()}

    def pop_fault(self, candidates):
        with self.lock:
            for path in candidates:
                entry = self.faults.get(path)
                if not entry or not entry["queue"]:
                    continue
                queue = entry["queue"]
                if entry["repeat"] and len(queue) == 1:
                    return dict(queue[0])
                fault = queue.pop(0)
                if not queue:
                    del self.faults[path]
                return fault
        return None

    def record_start(self, method, path, headers):
        hdrs = {}
        for name, value in headers.items():
            key = name.lower()
            hdrs[key] = value if key not in hdrs else hdrs[key] + ", " + value
        with self.lock:
            self.seq += 1
            rec = {"seq": self.seq, "method": method, "path": path, "headers": hdrs, "status": None,
                   "fault": None, "bytes_sent": 0, "monotonic": time.monotonic(), "time": time.time()}
            self.requests.append(rec)
            return rec

    def update(self, rec, **fields):
        with self.lock:
            rec.update(fields)

    def list_requests(self, path=None):
        with self.lock:
            return [json.loads(json.dumps(r)) for r in self.requests if path is None or r["path"] == path]

    def clear_requests(self):
        with self.lock:
            self.requests.clear()


class Entity:
    def __init__(self, data, content_type, mtime):
        self.data = data
        self.content_type = content_type
        self.etag = '"%s"' % hashlib.sha256(data).hexdigest()[:ETAG_HEX_CHARS]
        self.last_modified = http_date(mtime) if mtime is not None else None


def parse_range(value, size):
    """(start, end) inclusive, "unsatisfiable", or None for a header to ignore (single range only)."""
    value = value.strip()
    if not value.lower().startswith("bytes="):
        return None
    spec = value[6:].strip()
    first, sep, last = spec.partition("-")
    first, last = first.strip(), last.strip()
    if not sep or "," in spec or (first and not first.isdigit()) or (last and not last.isdigit()):
        return None
    if not first:
        if not last:
            return None
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FixtureServer/1.0"
    sys_version = ""
    timeout = 60  # idle keep-alive connections
    default_request_version = "HTTP/1.0"  # so a 400 for a garbled request line still has a status line

    # ---- plumbing -------------------------------------------------------------------------------

    def do_GET(self):
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def version_string(self):
        return self.server_version

    def log_request(self, code="-", size="-"):
        pass  # one line per request is written by _dispatch instead

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            log("%s %s" % (self.address_string(), fmt % args))

    def _dispatch(self):
        self._status = None
        self._fault = None
        self._record = None
        self._headers_sent = False
        self._bytes_sent = 0
        raw = self.path
        try:
            if "://" in raw.split("?", 1)[0]:  # absolute-form request target
                parts = urlsplit(raw)
                raw = (parts.path or "/") + ("?" + parts.query if parts.query else "")
            path, _, query = raw.partition("?")
            if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
                self._control(path, query)
            else:
                self._record = self.server.state.record_start(self.command, raw, self.headers)
                if self.command in ("GET", "HEAD"):
                    self._serve(raw, path)
                else:
                    self._finish(405, [("Allow", "GET, HEAD"), ("Connection", "close")],
                                 b"405 Method Not Allowed\n", None)
        except (ConnectionError, TimeoutError, socket.timeout):
            self.close_connection = True
        except Exception:  # never let a handler bug kill the connection thread noisily
            log("fixture_server: internal error on %s %s\n%s" % (self.command, raw, traceback.format_exc()))
            self.close_connection = True
            if not self._headers_sent:
                try:
                    self._finish(500, [("Connection", "close")], b"fixture server internal error\n", None)
                except (OSError, ValueError):
                    pass
        finally:
            if self._record is not None:
                self.server.state.update(self._record, status=self._status, fault=self._fault,
                                         bytes_sent=self._bytes_sent)
            if not self.server.quiet:
                parts = [self.command, raw, str(self._status or "-")]
                for name in LOGGED_HEADERS:
                    value = self.headers.get(name)
                    parts.append("%s=%s" % (name, "-" if value is None else json.dumps(value)))
                if self._fault is not None:
                    parts.append("fault=" + json.dumps(self._fault, separators=(",", ":")))
                log(" ".join(parts))

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _finish(self, status, headers, body, fault, head=False):
        """Send status, headers and (unless HEAD) the body, applying the body-delivery faults."""
        fault = fault or {}
        names = {k.lower() for k, _ in headers}
        if status not in NO_BODY_STATUSES and status >= 200 and "content-length" not in names:
            headers.append(("Content-Length", str(len(body))))
        extra = fault.get("headers", {})
        headers = [(k, v) for k, v in headers if k.lower() not in {e.lower() for e in extra}]
        headers += list(extra.items())
        if self._fault is not None and "connection" not in {k.lower() for k, _ in headers}:
            headers.append(("Connection", "close"))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self._status = status
        self._headers_sent = True
        if self._record is not None:
            self.server.state.update(self._record, status=status)
        if head or status in NO_BODY_STATUSES:
            body = b""
        limit = len(body)
        for key in ("truncate", "reset"):
            if key in fault:
                limit = min(limit, int(len(body) * fault[key]))
        self._write(body[:limit], fault.get("slow"))
        if self._record is not None:  # before closing, so a client reacting to the close sees it
            self.server.state.update(self._record, bytes_sent=self._bytes_sent, fault=self._fault)
        if "reset" in fault:
            self._reset()
        elif "truncate" in fault:
            self.close_connection = True

    def _write(self, data, rate):
        if not rate:
            self.wfile.write(data)
            self._bytes_sent = len(data)
            return
        chunk = max(1, int(rate / 20))
        start = time.monotonic()
        for offset in range(0, len(data), chunk):
            wait = start + offset / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.wfile.write(data[offset:offset + chunk])
            self._bytes_sent = offset + len(data[offset:offset + chunk])

    def _reset(self):
        """Abortive close: SO_LINGER 0 then close, so the peer gets a RST (ECONNRESET)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            time.sleep(0.05)  # let the client read the headers and partial body first
            conn = self.connection
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()  # drop makefile()'s reference so close() really closes the fd
            conn.close()  # wfile (a plain writer on conn) is left for the stdlib to flush/close
        except OSError:
            pass

    # ---- file serving ---------------------------------------------------------------------------

    def _load(self, rel):
        root = self.server.state.root
        rel = rel.lstrip("/")
        if "\x00" in rel or ".." in rel.replace("\\", "/").split("/"):
            return None
        target = os.path.normpath(os.path.join(root, rel))
        if target != root and not target.startswith(root.rstrip(os.sep) + os.sep):
            return None
        if os.path.isdir(target):
            target = os.path.join(target, "index.html")
        try:
            with open(target, "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    return None
                data = fh.read()
        except (OSError, ValueError):
            return None
        ctype = CONTENT_TYPES.get(os.path.splitext(target)[1].lower(), DEFAULT_CONTENT_TYPE)
        return Entity(data, ctype, st.st_mtime)

    def _not_modified(self, etag, last_modified):
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # takes precedence over If-Modified-Since (RFC 7232 §6)
            if etag is None:
                return False
            tags = [t.strip() for t in inm.split(",")]
            opaque = lambda t: t[2:] if t.startswith("W/") else t  # weak comparison
            return "*" in tags or opaque(etag) in {opaque(t) for t in tags}
        ims = self.headers.get("If-Modified-Since")
        if ims and last_modified:
            since, modified = parse_http_date(ims), parse_http_date(last_modified)
            return since is not None and modified is not None and modified <= since
        return False

    def _if_range_ok(self, etag, last_modified):
        value = self.headers.get("If-Range")
        if value is None:
            return True
        value = value.strip()
        if value.startswith('"') or value.startswith("W/"):
            return etag is not None and value == etag and not etag.startswith("W/")
        stamp = parse_http_date(value)
        return stamp is not None and last_modified is not None and stamp == parse_http_date(last_modified)

    def _serve(self, raw, path):
        state = self.server.state
        candidates = [raw, path, unquote(path)]
        fault = state.pop_fault(list(dict.fromkeys(candidates)))
        self._fault = fault
        f = fault or {}
        head = self.command == "HEAD"
        if f.get("delay"):
            time.sleep(f["delay"])
        status = f.get("status")
        headers = []
        if "retry_after" in f:
            headers.append(("Retry-After", str(f["retry_after"])))

        if "redirect" in f:
            status = status or 302
            headers += [("Location", f["redirect"]), ("Content-Type", "text/plain; charset=utf-8")]
            return self._finish(status, headers, ("Redirecting to %s\n" % f["redirect"]).encode(), f, head)

        entity = None
        if "body" in f:
            entity = Entity(f["body"].encode("utf-8"), "text/plain; charset=utf-8", None)
        elif "body_file" in f:
            entity = self._load(f["body_file"])
            if entity is None:
                msg = "fixture error: body_file %r not found under --root\n" % f["body_file"]
                log(msg.strip())
                return self._finish(500, headers + [("Content-Type", "text/plain; charset=utf-8")],
                                    msg.encode(), f, head)
        elif status is None or status == 304 or 200 <= status < 300:
            entity = self._load(unquote(path))
        if entity is not None and "content_type" in f:
            entity.content_type = f["content_type"]

        etag = entity.etag if entity is not None else None
        last_modified = entity.last_modified if entity is not None else None
        etag = f.get("etag", etag)
        last_modified = f.get("last_modified", last_modified)

        def validators():
            out = []
            if etag is not None:
                out.append(("ETag", etag))
            if last_modified is not None:
                out.append(("Last-Modified", last_modified))
            return out

        if entity is None:  # status-only fault, or a missing file
            status = status or 404
            body = b"" if status in NO_BODY_STATUSES else (
                "%d %s\n" % (status, _phrase(status))).encode()
            if status == 304:
                headers += validators()
            elif body:
                headers.append(("Content-Type", "text/plain; charset=utf-8"))
            return self._finish(status, headers, body, f, head)

        if status in (None, 200) and self._not_modified(etag, last_modified):
            status = 304
        if status == 304:
            return self._finish(304, headers + validators(), b"", f, head)

        status = status or 200
        body = entity.data
        headers.append(("Content-Type", entity.content_type))
        if 200 <= status < 300:
            headers += validators()
        if f.get("gzip"):
            body = gzip.compress(body, mtime=0)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        elif status == 200:
            headers.append(("Accept-Ranges", "bytes"))
            range_header = self.headers.get("Range")
            if (range_header and not head and not f.get("ignore_range")
                    and self._if_range_ok(etag, last_modified)):
                rng = parse_range(range_header, len(body))
                if rng == "unsatisfiable":
                    headers.append(("Content-Range", "bytes */%d" % len(body)))
                    return self._finish(416, headers, b"", f, head)
                if rng is not None:
                    start, end = rng
                    headers.append(("Content-Range", "bytes %d-%d/%d" % (start, end, len(body))))
                    return self._finish(206, headers, body[start:end + 1], f, head)
        return self._finish(status, headers, body, f, head)

    # ---- control API ----------------------------------------------------------------------------

    def _json(self, status, obj, close=False):
        body = (json.dumps(obj, indent=1) + "\n").encode()
        headers = [("Content-Type", "application/json")] + ([("Connection", "close")] if close else [])
        self._finish(status, headers, body, None)

    def _control(self, path, query):
        state = self.server.state
        name = path[len(CONTROL_PREFIX):].strip("/")
        method = self.command
        params = parse_qs(query)
        only_path = params.get("path", [None])[0]
        try:
            payload = self._read_body() if method in ("POST", "PUT") else b""
        except ValueError:
            return self._json(400, {"error": "unreadable request body"}, close=True)

        if name == "faults":
            if method == "GET":
                return self._json(200, state.snapshot_faults())
            if method == "DELETE":
                state.clear_faults(only_path)
                return self._json(200, {"ok": True})
            if method == "POST":
                try:
                    doc = json.loads(payload.decode("utf-8") or "null")
                except ValueError as exc:
                    return self._json(400, {"error": "invalid JSON: %s" % exc})
                items = doc if isinstance(doc, list) else [doc]
                for item in items:
                    error = self._check_fault_request(item)
                    if error:
                        return self._json(400, {"error": error})
                for item in items:
                    state.set_faults(item["path"], item["faults"], item.get("repeat", False))
                return self._json(200, {"ok": True, "faults": state.snapshot_faults()})
        elif name == "requests":
            if method == "GET":
                return self._json(200, state.list_requests(only_path))
            if method == "DELETE":
                state.clear_requests()
                return self._json(200, {"ok": True})
        elif name == "shutdown":
            if method == "POST":
                self._json(200, {"ok": True}, close=True)
                threading.Thread(target=self.server.shutdown, daemon=True).start()
                return None
        else:
            return self._json(404, {"error": "unknown control endpoint %r" % path})
        return self._json(405, {"error": "%s not allowed on %s" % (method, path)})

    @staticmethod
    def _check_fault_request(item):
        if not isinstance(item, dict):
            return 'expected {"path": "/HOST/...", "faults": [...], "repeat": false}'
        unknown = set(item) - {"path", "faults", "repeat"}
        if unknown:
            return "unknown keys %s" % sorted(unknown)
        if not isinstance(item.get("path"), str) or not item["path"].startswith("/"):
            return '"path" must be a string starting with "/"'
        if not isinstance(item.get("faults"), list):
            return '"faults" must be a list of fault objects'
        if not isinstance(item.get("repeat", False), bool):
            return '"repeat" must be a boolean'
        for fault in item["faults"]:
            error = validate_fault(fault)
            if error:
                return error
        return None


def _phrase(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port, state, quiet):
        self.state = state
        self.quiet = quiet
        super().__init__(("127.0.0.1", port), Handler)

    def server_bind(self):
        # Skip HTTPServer.server_bind's getfqdn() (a reverse DNS lookup that can be slow).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)):
            return  # broken pipes and resets are expected in fault tests
        log("fixture_server: error on connection from %s\n%s" % (client_address, traceback.format_exc()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", required=True, help="mirror root: /HOST/PATH -> ROOT/HOST/PATH")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--quiet", action="store_true", help="no request log on stderr")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="shut down when the parent process exits (orphaned test servers)")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.root):
        parser.error("--root %r is not a directory" % args.root)

    server = FixtureServer(args.port, State(args.root), args.quiet)
    if args.exit_with_parent:
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            server.shutdown()
        threading.Thread(target=watch, daemon=True).start()

    sys.stdout.write("READY %d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

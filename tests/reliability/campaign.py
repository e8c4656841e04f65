#!/usr/bin/env python3
"""Reliability and security campaign against nnjourney-server (docs/reliability.md).

Starts the server itself (fresh temporary data folder, a free port, loopback only), attacks it
section by section (malformed HTTP, slowloris, big bodies, WebSocket abuse, the production access
matrix, rate-limit memory, kill -9 during autosave) and prints one table of figures: each row its
value, its target and PASS/FAIL (INFO rows are measured but have no target). Exit status 1 when a
target is missed, 2 when the campaign itself could not run. Standard library only: the HTTP and
WebSocket bytes are written by hand, so they can be wrong on purpose.
"""

import argparse
import base64
import collections
import errno
import hashlib
import ipaddress
import json
import os
import random
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
GET_PATHS = ["/health", "/api/status", "/status", "/api/state", "/get-weights", "/model"]
CONTROL_QUERY = {
    "/start-training": "",
    "/stop-training": "",
    "/pause-training": "",
    "/resume-training": "",
    "/step-training": "",
    "/set-learning-rate": "?lr=0.01",
    "/set-batch-delay": "?ms=1000",
    "/set-architecture": "",
    "/set-teaching-mode": "?enabled=false",
    "/set-speed": "?mode=step",
    "/model": "",
}
POST_PATHS = list(CONTROL_QUERY) + ["/predict"]
# The learning views' jobs (docs/protocol.md "Learning views"): big bodies only, since their routes
# answer 503 until a run has loaded MNIST.
ANALYSIS_POST_PATHS = ["/api/analysis/landscape", "/api/analysis/random-steps"]
API_PATHS = set(GET_PATHS) | set(POST_PATHS) | {"/ws"}
ARCHITECTURE_BODY = b'{"layers":[784,16,10]}'
MB = 1024 * 1024
DETAILS = None  # --details: a file that gets one JSON line per failed case


class CampaignError(Exception):
    """The campaign itself cannot go on (no server, no binary): exit status 2."""


def detail(record):
    if DETAILS is not None:
        DETAILS.write(json.dumps(record) + "\n")


def log(text):
    print(text, file=sys.stderr, flush=True)


def now():
    return time.monotonic()


# --- Results table ---------------------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows = []

    def check(self, section, figure, value, target, passed):
        self.rows.append((section, figure, str(value), target, "PASS" if passed else "FAIL"))
        log("  %-4s %s: %s (target %s)" % ("ok" if passed else "FAIL", figure, value, target))

    def info(self, section, figure, value):
        self.rows.append((section, figure, str(value), "-", "INFO"))
        log("  info %s: %s" % (figure, value))

    def failures(self):
        return [row for row in self.rows if row[4] == "FAIL"]

    def render(self):
        header = ("#", "figure", "value", "target", "result")
        widths = [max(len(str(row[i])) for row in self.rows + [header]) for i in range(5)]
        widths[2] = min(widths[2], 60)
        lines = ["| " + " | ".join(str(header[i]).ljust(widths[i]) for i in range(5)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        for row in self.rows:
            lines.append("| " + " | ".join(str(row[i]).replace("|", "/").ljust(widths[i]) for i in range(5)) + " |")
        return "\n".join(lines)


# --- The server under test -------------------------------------------------------------------

def load_average():
    try:
        with open("/proc/loadavg") as handle:
            return float(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def listen_drops():
    """The kernel's count of connections dropped because a listen queue was full (all sockets)."""
    try:
        with open("/proc/net/netstat") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    for names, values in zip(lines, lines[1:]):
        if names.startswith("TcpExt:") and values.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:]))
            return int(table.get("ListenDrops", 0))
    return None


def rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


class Server:
    """One nnjourney-server process on 127.0.0.1 with --port 0 (the kernel picks a free port)."""

    def __init__(self, binary, data_dir, env=None, args=(), sanitizer=False):
        self.binary = binary
        self.data_dir = data_dir
        self.extra_env = dict(env or {})
        self.args = list(args)
        self.sanitizer = sanitizer
        self.proc = None
        self.port = None
        self.output = []

    def start(self, timeout=20.0):
        env = dict(os.environ)
        for name in ("NNJ_TOKEN", "ENVIRONMENT", "ALLOWED_ORIGINS", "NNJ_ALLOWED_HOSTS", "NNJ_PUBLIC_DEMO", "PORT",
                     "NNJ_DATA_DIR"):
            env.pop(name, None)
        env.update({"NNJ_NO_DOWNLOAD": "1", "QT_QPA_PLATFORM": "offscreen"})
        if self.sanitizer:
            # A small quarantine, so that freed memory shows as freed in VmRSS (see --help).
            env["ASAN_OPTIONS"] = "detect_leaks=0:quarantine_size_mb=16:malloc_context_size=5"
        env.update(self.extra_env)
        # The working directory is the data folder: no stray ./.env is read.
        command = [self.binary, "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir,
                   "--no-download"] + self.args
        self.output = []
        self.proc = subprocess.Popen(command, cwd=self.data_dir, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        port_found = threading.Event()

        def reader(proc=self.proc):
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                if len(self.output) < 2000:
                    self.output.append(line)
                match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if match and not port_found.is_set():
                    self.port = int(match.group(1))
                    port_found.set()

        threading.Thread(target=reader, daemon=True).start()
        deadline = now() + timeout
        while now() < deadline and not port_found.is_set():
            if self.proc.poll() is not None:
                break
            port_found.wait(0.05)
        if not port_found.is_set():
            self.kill()
            return False
        while now() < deadline:
            if self.proc.poll() is not None:
                return False
            if health(self.port, timeout=1.0)[0] == 200:
                return True
            time.sleep(0.05)
        return False

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self, timeout=2.0):
        return self.alive() and health(self.port, timeout=timeout)[0] == 200

    def rss(self):
        return rss_mb(self.proc.pid) if self.alive() else None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class RssSampler:
    """Samples the server's VmRSS every 100 ms; growth = the peak minus the value at the start."""

    def __init__(self, server):
        self.server = server
        self.start_mb = server.rss() or 0.0
        self.peak_mb = self.start_mb
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.1):
            value = self.server.rss()
            if value is not None:
                self.peak_mb = max(self.peak_mb, value)

    def finish(self):
        self._stop.set()
        self._thread.join()
        value = self.server.rss()
        if value is not None:
            self.peak_mb = max(self.peak_mb, value)
        return self.peak_mb - self.start_mb


# --- HTTP by hand ----------------------------------------------------------------------------

def connect(port, source=None, timeout=2.0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if source:
        sock.bind((source, 0))
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", port))
    return sock


class Closed(Exception):
    pass


class Timeout(Exception):
    pass


class Conn:
    """A socket with a read buffer: reads whole HTTP responses by a deadline."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self, deadline):
        left = deadline - now()
        if left <= 0:
            raise Timeout()
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Timeout()
        except (ConnectionResetError, BrokenPipeError):
            raise Closed("reset")
        except OSError as error:
            raise Closed(str(error))
        if not data:
            raise Closed("eof")
        self.buf += data

    def read_response(self, deadline, head_request=False, skip_interim=True):
        """Returns (status, headers dict lower-case, body). Raises Timeout or Closed."""
        while True:
            while b"\r\n\r\n" not in self.buf:
                if len(self.buf) > 1 << 20:
                    raise Closed("garbage")
                self._fill(deadline)
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            lines = head.split(b"\r\n")
            parts = lines[0].split(b" ", 2)
            try:
                status = int(parts[1])
            except (IndexError, ValueError):
                raise Closed("bad status line %r" % lines[0][:60])
            headers = {}
            for line in lines[1:]:
                if b":" in line:
                    name, value = line.split(b":", 1)
                    headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
            if 100 <= status < 200 and status != 101 and skip_interim:
                continue
            break
        body = b""
        if head_request or status in (101, 204, 304):
            return status, headers, body
        if "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError:
                length = 0
            while len(self.buf) < length:
                self._fill(deadline)
            body, self.buf = self.buf[:length], self.buf[length:]
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                while b"\r\n" not in self.buf:
                    self._fill(deadline)
                size_line, rest = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                while len(rest) < size + 2:
                    self._fill(deadline)
                    size_line, rest = self.buf.split(b"\r\n", 1)
                body += rest[:size]
                self.buf = rest[size + 2:]
                if size == 0:
                    break
        elif headers.get("connection", "").lower() == "close":
            try:
                while True:
                    self._fill(deadline)
            except Closed:
                pass
            body, self.buf = self.buf, b""
        return status, headers, body


def http(port, method, target, headers=None, body=b"", source=None, timeout=2.0, host=None):
    """One request on a fresh connection: (status, headers, body, seconds); status None on failure."""
    start = now()
    lines = ["%s %s HTTP/1.1" % (method, target)]
    names = {name.lower() for name in (headers or {})}
    if "host" not in names and host is not False:
        lines.append("Host: %s" % (host or "127.0.0.1:%d" % port))
    for name, value in (headers or {}).items():
        if value is not None:
            lines.append("%s: %s" % (name, value))
    if body or method == "POST":
        lines.append("Content-Length: %d" % len(body))
    lines.append("Connection: close")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    sock = None
    try:
        try:
            sock = connect(port, source=source, timeout=timeout)
        except OSError as error:
            return None, {"error": "connect: %s" % (str(error) or type(error).__name__)}, b"", now() - start
        sock.sendall(raw)
        status, response_headers, response_body = Conn(sock).read_response(start + timeout,
                                                                          head_request=method == "HEAD")
        return status, response_headers, response_body, now() - start
    except (Timeout, Closed, OSError) as error:
        return None, {"error": str(error) or type(error).__name__}, b"", now() - start
    finally:
        if sock:
            sock.close()


def health(port, timeout=1.0, source=None, why=False):
    status, headers, body, seconds = http(port, "GET", "/health", source=source, timeout=timeout)
    if why:
        return status, seconds, headers.get("error", "HTTP %s" % status)
    return status, seconds


def get_json(port, path, timeout=5.0, headers=None):
    status, _, body, _ = http(port, "GET", path, timeout=timeout, headers=headers)
    try:
        return status, json.loads(body.decode("utf-8"))
    except ValueError:
        return status, None


def is_error_json(body):
    try:
        value = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(value, dict) and value.get("status") == "error" and isinstance(value.get("message"), str)


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


# --- WebSocket by hand -----------------------------------------------------------------------

def ws_frame(opcode, payload=b"", fin=True, mask=True, length=None):
    first = (0x80 if fin else 0) | opcode
    size = len(payload) if length is None else length
    mask_bit = 0x80 if mask else 0
    if size < 126:
        head = struct.pack("!BB", first, mask_bit | size)
    elif size < 65536:
        head = struct.pack("!BBH", first, mask_bit | 126, size)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, size)
    if not mask:
        return head + payload
    key = os.urandom(4)
    if payload:
        repeated = (key * (len(payload) // 4 + 1))[:len(payload)]
        payload = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")
    return head + key + payload


def ws_text(text):
    return ws_frame(0x1, text.encode("utf-8") if isinstance(text, str) else text)


class WsClient:
    """A hand-made WebSocket client: handshake, frames, close codes."""

    def __init__(self, port, source=None, path="/ws", headers=None, host=None, timeout=3.0):
        self.conn = None
        self.status = None
        self.close_code = None
        self.closed = False
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: %s" % (host or "127.0.0.1:%d" % port), "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        sock = connect(port, source=source, timeout=timeout)
        self.sock = sock
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.conn = Conn(sock)
        self.status, self.headers, _ = self.conn.read_response(now() + timeout)
        if self.status == 101:
            expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode())
                                        .digest()).decode()
            if self.headers.get("sec-websocket-accept") != expected:
                raise Closed("bad Sec-WebSocket-Accept")

    def send(self, data):
        self.sock.settimeout(5.0)
        self.sock.sendall(data)

    def read_frame(self, deadline):
        """(opcode, payload). A close frame sets close_code. Raises Timeout or Closed."""
        conn = self.conn
        while len(conn.buf) < 2:
            conn._fill(deadline)
        first, second = conn.buf[0], conn.buf[1]
        size = second & 0x7F
        offset = 2
        if size == 126:
            while len(conn.buf) < 4:
                conn._fill(deadline)
            size = struct.unpack("!H", conn.buf[2:4])[0]
            offset = 4
        elif size == 127:
            while len(conn.buf) < 10:
                conn._fill(deadline)
            size = struct.unpack("!Q", conn.buf[2:10])[0]
            offset = 10
        if second & 0x80:
            offset += 4
        while len(conn.buf) < offset + size:
            conn._fill(deadline)
        payload = conn.buf[offset:offset + size]
        conn.buf = conn.buf[offset + size:]
        opcode = first & 0x0F
        if opcode == 0x8:
            self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
        return opcode, payload

    def read_message(self, deadline):
        """The next text message as JSON (pings answered, pongs skipped); None when closed."""
        while True:
            try:
                opcode, payload = self.read_frame(deadline)
            except Closed:
                self.closed = True
                return None
            if opcode == 0x8:
                self.closed = True
                return None
            if opcode == 0x9:
                self.send(ws_frame(0xA, payload))
                continue
            if opcode == 0x1:
                try:
                    return json.loads(payload.decode("utf-8"))
                except ValueError:
                    return {"type": "?"}

    def wait_closed(self, deadline):
        """Reads until the server closes the connection (close frame or EOF): True, else False."""
        while True:
            try:
                opcode, _ = self.read_frame(deadline)
            except Closed:
                return True
            except Timeout:
                return False
            if opcode == 0x8:
                return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- Section 1: malformed requests ----------------------------------------------------------

class Case:
    __slots__ = ("category", "data", "incomplete", "api_path", "clean", "head")

    def __init__(self, category, data, incomplete=False, api_path=None, clean=False, head=False):
        self.category = category
        self.data = data
        self.incomplete = incomplete  # can never complete: the client half-closes after it
        self.api_path = api_path  # an API path: a 4xx answer must carry the JSON error body
        self.clean = clean  # exactly framed: the connection may be reused after the answer
        self.head = head  # a HEAD request: the answer has no body


class Grammar:
    """Generates malformed requests: one base request, then one or two parts of it broken."""

    BAD_METHODS = [b"", b"get", b"G ET", b"GETT", b"FOO", b"BREW", b"M-SEARCH", b"TRACE", b"CONNECT", b"12345",
                   b"\x00GET", b"GET\x00", b"P\xc3\xb6ST", b"POST\t", b"A" * 300, b"B" * 9000, b"HEAD", b"OPTIONS",
                   b"PUT", b"DELETE", b"PATCH", b"PRI"]
    BAD_TARGETS = [b"health", b"api/state", b"*", b"?x=1", b"", b"//health", b"/he alth", b"/health\x00x",
                   b"/h\xffh", b"/%zz", b"/..%2f..%2fetc/passwd", b"/../../../../etc/passwd", b"/ws#frag",
                   b"http://127.0.0.1/health", b"http://evil.example/health", b"/health?" + b"&" * 3000,
                   b"/set-learning-rate?lr=" + b"9" * 400, b"/set-speed?mode=%00", b"/\t/", b"/\r/"]
    BAD_VERSIONS = [b"HTTP/1.0", b"HTTP/2.0", b"HTTP/1.2", b"HTTP/9.9", b"HTTP/1", b"http/1.1", b"HTTP/1.1x",
                    b"", b"HTTP/1.1 extra", b"HTTP/0.9", b"HTTP/-1.1", b"HTTP/1.1\x00", b"HTTPS/1.1", b"HTTP/11"]
    HUGE_SIZES = [4000, 9000, 17000, 40000, 70000]

    def __init__(self, rng, port, can_start):
        self.rng = rng
        self.port = port
        # Without MNIST a start is answered 503 (documented): those paths are left out then.
        self.post_paths = POST_PATHS if can_start else [p for p in POST_PATHS if p not in ("/start-training",
                                                                                         "/step-training")]
        self.categories = [self.bad_method, self.bad_target, self.huge_target, self.bad_version, self.line_endings,
                           self.duplicate_headers, self.no_colon, self.obs_fold, self.huge_header, self.many_headers,
                           self.bare_lf, self.nul_bytes, self.header_name, self.cl_short, self.cl_long, self.cl_plus,
                           self.cl_negative, self.cl_hex, self.cl_two, self.cl_huge, self.te_bad, self.te_and_cl,
                           self.chunk_bad_size, self.chunk_incomplete, self.mixed]

    def base(self):
        rng = self.rng
        if rng.random() < 0.5:
            path = rng.choice(GET_PATHS + ["/ws", "/", "/index.html", "/nope"])
            method = b"GET"
            body = b""
        else:
            path = rng.choice(self.post_paths + ["/nope"])
            method = b"POST"
            body = rng.choice([b"", b"{}", ARCHITECTURE_BODY, b'{"pixels":[0]}', b"not json"])
        target = (path + CONTROL_QUERY.get(path, "")).encode()
        headers = [(b"Host", b"127.0.0.1:%d" % self.port), (b"User-Agent", b"campaign")]
        return method, target, path, headers, body

    @staticmethod
    def assemble(method, target, version, headers, body, eol=b"\r\n", content_length=True):
        line = method + b" " + target + (b" " + version if version else b"")
        # A header given as (line, None) is written as it is: no colon added.
        parts = [line] + [name if value is None else name + b": " + value for name, value in headers]
        if content_length and (body or method == b"POST"):
            parts.append(b"Content-Length: %d" % len(body))
        return eol.join(parts) + eol + eol + body

    def simple(self, category, mutate_method=None, mutate_target=None, version=b"HTTP/1.1", extra_headers=(),
               eol=b"\r\n", keep_api=True):
        method, target, path, headers, body = self.base()
        if mutate_method is not None:
            method = mutate_method
        if mutate_target is not None:
            target = mutate_target
        data = self.assemble(method, target, version, headers + list(extra_headers), body, eol)
        api = path if keep_api and path in API_PATHS and mutate_target is None else None
        return Case(category, data, api_path=api, head=method == b"HEAD")

    def bad_method(self):
        return self.simple("method", mutate_method=self.rng.choice(self.BAD_METHODS))

    def bad_target(self):
        return self.simple("target", mutate_target=self.rng.choice(self.BAD_TARGETS))

    def huge_target(self):
        size = self.rng.choice(self.HUGE_SIZES)
        return self.simple("huge-target", mutate_target=b"/" + b"a" * size)

    def bad_version(self):
        return self.simple("version", version=self.rng.choice(self.BAD_VERSIONS))

    def line_endings(self):
        method, target, path, headers, body = self.base()
        line = method + b" " + target + b" HTTP/1.1"
        eol = self.rng.choice([b"\n", b"\r", b"\n\r", b"\r\r\n"])
        data = line + eol + eol.join(n + b": " + v for n, v in headers)
        if body or method == b"POST":
            data += eol + b"Content-Length: %d" % len(body)
        data += eol + eol + body
        return Case("line-ending", data, api_path=path if path in API_PATHS else None,
                    incomplete=eol in (b"\r",))

    def duplicate_headers(self):
        choice = self.rng.choice([(b"Host", b"evil.example"), (b"Host", b"127.0.0.1:1"), (b"Connection", b"close"),
                                  (b"Content-Type", b"text/plain"), (b"Upgrade", b"websocket"),
                                  (b"Transfer-Encoding", b"identity")])
        return self.simple("duplicate-header", extra_headers=[choice, choice])

    def no_colon(self):
        line = self.rng.choice([b"NoColonHere", b"X-A b", b"Host 127.0.0.1", b"Content-Length 5"])
        return self.simple("no-colon", extra_headers=[(line, None)])

    def obs_fold(self):
        method, target, path, headers, body = self.base()
        data = self.assemble(method, target, b"HTTP/1.1", headers, body)
        fold = self.rng.choice([b"X-Folded: a\r\n b\r\n", b"X-Folded: a\r\n\tb\r\n", b" Host: evil\r\n",
                                b"Host: 127.0.0.1\r\n :%d\r\n" % self.port])
        cut = data.index(b"\r\n") + 2
        return Case("obs-fold", data[:cut] + fold + data[cut:], api_path=path if path in API_PATHS else None)

    def huge_header(self):
        size = self.rng.choice(self.HUGE_SIZES)
        return self.simple("huge-header", extra_headers=[(b"X-Big", b"a" * size)])

    def many_headers(self):
        count = self.rng.choice([100, 500, 3000])
        return self.simple("many-headers", extra_headers=[(b"X-%d" % i, b"v") for i in range(count)])

    def bare_lf(self):
        method, target, path, headers, body = self.base()
        data = self.assemble(method, target, b"HTTP/1.1", headers, body)
        head, rest = data.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        index = self.rng.randrange(1, len(lines) + 1)
        # One or all of the header line endings become a bare LF.
        if self.rng.random() < 0.5:
            head = b"\n".join(lines)
            data = head + self.rng.choice([b"\n\n", b"\r\n\r\n", b"\n\r\n"]) + rest
        else:
            head = b"\r\n".join(lines[:index]) + b"\n" + b"\r\n".join(lines[index:])
            data = head + b"\r\n\r\n" + rest
        return Case("bare-lf", data, api_path=path if path in API_PATHS else None)

    def nul_bytes(self):
        where = self.rng.choice([(b"X-Nul\x00", b"v"), (b"X-Nul", b"a\x00b"), (b"Host", b"127.0.0.1\x00evil"),
                                 (b"\x00", b"\x00")])
        return self.simple("nul", extra_headers=[where])

    def header_name(self):
        where = self.rng.choice([(b"Bad Name", b"x"), (b"", b"x"), (b"Host ", b"127.0.0.1"), (b"X(y)", b"1"),
                                 (b"X-\xff", b"\xff"), (b"Content-Length ", b"5")])
        return self.simple("header-name", extra_headers=[where])

    def post_base(self):
        path = self.rng.choice(self.post_paths)
        target = (path + CONTROL_QUERY.get(path, "")).encode()
        headers = [(b"Host", b"127.0.0.1:%d" % self.port)]
        return target, path, headers

    def with_body(self, category, body_headers, body, incomplete=False):
        target, path, headers = self.post_base()
        data = self.assemble(b"POST", target, b"HTTP/1.1", headers + body_headers, body, content_length=False)
        return Case(category, data, incomplete=incomplete, api_path=path)

    def cl_short(self):
        body = ARCHITECTURE_BODY + b"GARBAGE / HTTP/1.1\r\n\r\n"
        return self.with_body("cl-too-short", [(b"Content-Length", b"%d" % self.rng.randrange(0, 10))], body)

    def cl_long(self):
        body = b"{}"
        return self.with_body("cl-too-long", [(b"Content-Length", b"%d" % self.rng.choice([3, 100, 60000]))], body,
                              incomplete=True)

    def cl_plus(self):
        return self.with_body("cl-plus", [(b"Content-Length", b"+5")], b"{}   ")

    def cl_negative(self):
        return self.with_body("cl-negative", [(b"Content-Length", self.rng.choice([b"-1", b"-0", b"-99999"]))], b"{}")

    def cl_hex(self):
        return self.with_body("cl-hex", [(b"Content-Length", self.rng.choice([b"0x5", b"5a", b"1e3", b"5.0", b" 5 5"]))],
                              b"{}   ")

    def cl_two(self):
        first, second = self.rng.choice([(b"2", b"5"), (b"5", b"2"), (b"2", b"2, 5"), (b"0", b"5")])
        return self.with_body("cl-two-values", [(b"Content-Length", first), (b"Content-Length", second)], b"{}   ")

    def cl_huge(self):
        return self.with_body("cl-overflow", [(b"Content-Length", self.rng.choice(
            [b"99999999999999999999999", b"18446744073709551616", b"9223372036854775807"]))], b"{}", incomplete=True)

    def te_bad(self):
        value = self.rng.choice([b"gzip", b"chunked, chunked", b"xchunked", b"chunked\x00", b"identity", b"CHUNKED ",
                                 b"chunked;q=1", b"compress, chunked", b"chunked, gzip"])
        return self.with_body("te-bad", [(b"Transfer-Encoding", value)], b"2\r\n{}\r\n0\r\n\r\n")

    def te_and_cl(self):
        return self.with_body("te-and-cl", [(b"Content-Length", b"4"), (b"Transfer-Encoding", b"chunked")],
                              b"2\r\n{}\r\n0\r\n\r\nGET /health HTTP/1.1\r\n\r\n")

    def chunk_bad_size(self):
        body = self.rng.choice([b"zz\r\n{}\r\n0\r\n\r\n", b"-1\r\n{}\r\n0\r\n\r\n", b"fffffffffffffffff1\r\nx\r\n0\r\n\r\n",
                                b"2 2\r\n{}\r\n0\r\n\r\n", b"0x2\r\n{}\r\n0\r\n\r\n", b"\r\n{}\r\n0\r\n\r\n",
                                b"2\r\n{}XX0\r\n\r\n", b"2;\x00\r\n{}\r\n0\r\n\r\n", b"1\r\n{}\r\n0\r\n\r\n"])
        return self.with_body("chunk-bad-size", [(b"Transfer-Encoding", b"chunked")], body)

    def chunk_incomplete(self):
        body = self.rng.choice([b"ff\r\n{}", b"2\r\n{}\r\n", b"10000\r\n" + b"a" * 100])
        return self.with_body("chunk-incomplete", [(b"Transfer-Encoding", b"chunked")], body, incomplete=True)

    def mixed(self):
        # Two breakages at once, on top of a plain request.
        case = self.rng.choice(self.categories[:-1])()
        data = case.data
        if b"\r\n" in data and self.rng.random() < 0.5:
            cut = data.index(b"\r\n") + 2
            data = data[:cut] + self.rng.choice([b"NoColon\r\n", b"X-F: a\r\n b\r\n", b"X-Nul: \x00\r\n",
                                                 b"Transfer-Encoding: chunked\r\n"]) + data[cut:]
        else:
            data = data.replace(b"HTTP/1.1", self.rng.choice([b"HTTP/1.0", b"HTTP/1.1x", b"HTTP/2"]), 1)
        return Case("mixed", data, incomplete=case.incomplete, api_path=None, head=case.head)

    def clean(self):
        method, target, path, headers, body = self.base()
        return Case("valid", self.assemble(method, target, b"HTTP/1.1", headers, body), api_path=path if path in
                    API_PATHS else None, clean=True)

    def cases(self, count):
        for index in range(count):
            if index % 10 == 9:
                yield self.clean()  # keeps connections in use between broken requests
            else:
                yield self.categories[index % len(self.categories)]()


def run_case(state, case, port, source, limit):
    """Sends one case; returns (outcome, seconds, error body ok, conn to reuse or None)."""
    conn = state.get("conn")
    reused = conn is not None
    try:
        if conn is None:
            conn = Conn(connect(port, source=source, timeout=2.0))
        sock = conn.sock
        sock.settimeout(2.0)
        try:
            sock.sendall(case.data)
            if case.incomplete:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass  # the server stopped reading: its answer may still be there
        sent = now()
        try:
            status, headers, body = conn.read_response(sent + limit, head_request=case.head)
        except Closed:
            if reused and not conn.buf:
                # A kept-alive connection the server closed before this request (idle timeout): retry fresh.
                state["conn"] = None
                conn.sock.close()
                return run_case(state, case, port, source, limit)
            conn.sock.close()
            return "closed", now() - sent, True, None
        except Timeout:
            conn.sock.close()
            return "timeout", now() - sent, True, None
        seconds = now() - sent
        json_ok = True  # True, or where an error answer lacks the JSON body: "api" or "other" path
        if status >= 400 and not case.head and not is_error_json(body):
            json_ok = "api" if case.api_path else "other"
        keep = (case.clean and status < 500 and headers.get("connection", "").lower() != "close"
                and not conn.buf and ("content-length" in headers or status in (204, 304)))
        if not keep:
            conn.sock.close()
        return status, seconds, json_ok, conn if keep else None
    except OSError as error:
        if conn is not None:
            conn.sock.close()
        return "connect-error:%s" % error.__class__.__name__, 0.0, True, None


def section_malformed(table, server, count, workers, limit, rng, can_start):
    log("[1] malformed requests: %d, %d workers" % (count, workers))
    grammar = Grammar(rng, server.port, can_start)
    cases = list(grammar.cases(count))
    histogram = collections.Counter()
    slow = []
    slowest = [0.0]
    json_bad = []
    json_bad_other = []
    five_xx = []
    lock = threading.Lock()
    position = [0]
    sampler = RssSampler(server)

    def worker(index):
        source = "127.0.0.%d" % (20 + index % 8)
        state = {"conn": None}
        while True:
            with lock:
                if position[0] >= len(cases):
                    break
                case = cases[position[0]]
                position[0] += 1
            outcome, seconds, json_ok, conn = run_case(state, case, server.port, source, limit)
            state["conn"] = conn if rng.random() < 0.7 else None
            if conn is not None and state["conn"] is None:
                conn.sock.close()
            with lock:
                histogram[outcome] += 1
                slowest[0] = max(slowest[0], seconds)
                bad = (outcome == "timeout" or seconds > limit or json_ok is not True
                       or (isinstance(outcome, int) and outcome >= 500))
                if bad and DETAILS is not None:
                    DETAILS.write(json.dumps({"section": 1, "category": case.category, "outcome": outcome,
                                              "seconds": round(seconds, 3), "json_ok": json_ok,
                                              "request": case.data[:300].decode("latin-1")}) + "\n")
                if outcome == "timeout" or seconds > limit:
                    slow.append(case.category)
                if isinstance(outcome, int) and outcome >= 500:
                    five_xx.append((case.category, outcome))
                if json_ok == "api":
                    json_bad.append((case.category, outcome))
                elif json_ok == "other":
                    json_bad_other.append((case.category, outcome))
        if state["conn"] is not None:
            state["conn"].sock.close()

    started = now()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = now() - started
    growth = sampler.finish()
    alive = server.healthy()
    table.check(1, "malformed requests sent (%d categories, %.0f s)" % (len(grammar.categories) + 1, elapsed),
                len(cases), ">= %d" % count, len(cases) >= count)
    table.check(1, "crashes (process gone or /health not 200 after)", 0 if alive else 1, "0", alive)
    table.check(1, "5xx answers", len(five_xx), "0", not five_xx)
    slow_categories = collections.Counter(slow)
    table.check(1, "no answer/close within %.1f s" % limit, len(slow), "0", not slow)
    if slow_categories:
        table.info(1, "  ... by category", " ".join("%s:%d" % kv for kv in slow_categories.most_common(8)))
    table.check(1, "API-path error answers without the JSON error body", len(json_bad), "0", not json_bad)
    if json_bad:
        table.info(1, "  ... by category:status", " ".join(
            "%s:%s:%d" % (c, s, n) for (c, s), n in collections.Counter(json_bad).most_common(6)))
    table.check(1, "other error answers without it (docs/protocol.md: every error answer is JSON)",
                len(json_bad_other), "0", not json_bad_other)
    if json_bad_other:
        table.info(1, "  ... by category:status", " ".join(
            "%s:%s:%d" % (c, s, n) for (c, s), n in collections.Counter(json_bad_other).most_common(6)))
    table.info(1, "status histogram", " ".join("%s:%d" % (k, v) for k, v in sorted(histogram.items(),
                                                                                   key=lambda kv: str(kv[0]))))
    table.info(1, "slowest answer or close", "%.3f s" % slowest[0])
    table.info(1, "RSS growth during the section", "%.1f MB" % growth)
    # HEAD must be answered as GET is, without the body (RFC 9110 9.3.2).
    head_bad = []
    for path in GET_PATHS:
        get_status = http(server.port, "GET", path, timeout=limit)[0]
        head_status, _, head_body, _ = http(server.port, "HEAD", path, timeout=limit)
        if head_status != get_status or head_body:
            head_bad.append("%s: GET %s, HEAD %s" % (path, get_status, head_status))
    table.check(1, "HEAD answered as GET on the GET paths (%d)" % len(GET_PATHS), "%d differ" % len(head_bad) if
                head_bad else "all", "all", not head_bad)
    if head_bad:
        table.info(1, "  ... HEAD differs", "; ".join(head_bad[:4]))
    return alive


# --- Section 2: slowloris --------------------------------------------------------------------

class Probe:
    """GET /health from 127.0.0.1 ten times a second on a fresh connection each time."""

    def __init__(self, server, limit=1.0):
        self.server = server
        self.limit = limit
        self.latencies = []
        self.failures = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        next_time = now()
        while not self._stop.is_set():
            status, seconds, reason = health(self.server.port, timeout=self.limit, source="127.0.0.1", why=True)
            if status == 200:
                self.latencies.append(seconds)
            else:
                # A failed probe counts as slow as the probe's limit in the percentiles.
                self.failures.append(reason)
                self.latencies.append(max(seconds, self.limit))
            next_time += 0.1
            self._stop.wait(max(0.0, next_time - now()))

    def finish(self):
        self._stop.set()
        self._thread.join()


def slow_bytes(upgrade, index):
    if upgrade:
        # A complete head that says Upgrade (and promises a body), then the body, a byte at a time.
        head = b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nContent-Length: 999999\r\n\r\n"
        return head, b"a"
    return b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-%d: " % index, b"a"


def section_slowloris(table, server, connections, duration, p99_limit, rss_limit, variant_upgrade):
    name = "slowloris-upgrade" if variant_upgrade else "slowloris"
    log("[2] %s: %d connections from 127.0.0.2 for %.0f s" % (name, connections, duration))
    sampler = RssSampler(server)
    drops_before = listen_drops()
    probe = Probe(server)
    interval = 0.1
    sockets = {}  # fd -> [sock, head, filler, position, next time]
    opened = refused = 0
    answers = collections.Counter()
    poller = select.epoll()

    def open_one(index):
        nonlocal opened
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.2", 0))
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", server.port))
        head, filler = slow_bytes(variant_upgrade, index)
        sockets[sock.fileno()] = [sock, head, filler, 0, now() + random.random() * interval]
        poller.register(sock.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
        opened += 1

    reopen_at = collections.deque()  # an ended connection is opened again a second later

    def drop(fd, why):
        nonlocal refused
        reopen_at.append(now() + 1.0)
        entry = sockets.pop(fd, None)
        if entry is None:
            return
        try:
            poller.unregister(fd)
        except OSError:
            pass
        entry[0].close()
        answers[why] += 1
        refused += 1

    for index in range(connections):
        open_one(index)
    started = now()
    counter = connections
    while now() - started < duration:
        for fd, events in poller.poll(0.02):
            entry = sockets.get(fd)
            if entry is None:
                continue
            try:
                data = entry[0].recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data:
                match = re.match(rb"HTTP/1\.[01] (\d+)", data)
                why = match.group(1).decode() if match else "data"
            else:
                why = "closed"
            drop(fd, why)
        moment = now()
        for fd, entry in list(sockets.items()):
            if entry[4] > moment:
                continue
            sock, head, filler, position = entry[0], entry[1], entry[2], entry[3]
            byte = head[position:position + 1] if position < len(head) else filler
            try:
                sock.send(byte)
                entry[3] += 1
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as error:
                if error.errno != errno.ENOTCONN:  # still connecting
                    drop(fd, "reset")
                    continue
            entry[4] = moment + interval
        # The attacker keeps its count up: every ended connection is opened again, a second later.
        while reopen_at and reopen_at[0] <= moment and len(sockets) < connections:
            reopen_at.popleft()
            open_one(counter)
            counter += 1
    probe.finish()
    held_at_end = len(sockets)
    for fd in list(sockets):
        sockets[fd][0].close()
    sockets.clear()
    poller.close()
    growth = sampler.finish()
    alive = server.healthy()
    p99 = percentile(probe.latencies, 0.99) * 1000
    table.check(2, "%s: probe p99 (%d probes)" % (name, len(probe.latencies)), "%.1f ms" % p99,
                "< %.0f ms" % (p99_limit * 1000), p99 < p99_limit * 1000)
    table.check(2, "%s: probe failures" % name, len(probe.failures), "0", not probe.failures)
    table.check(2, "%s: server RSS growth" % name, "%.1f MB" % growth, "< %.0f MB" % rss_limit, growth < rss_limit)
    table.check(2, "%s: server alive after" % name, "yes" if alive else "NO", "yes", alive)
    table.info(2, "%s: attacker connections opened / ended by the server" % name,
               "%d / %d (%s); open at the end: %d" % (opened, refused, " ".join(
                   "%s:%d" % kv for kv in answers.most_common()), held_at_end))
    drops_after = listen_drops()
    table.info(2, "%s: machine load average (1 min) after, %d CPUs; SYNs dropped, listen queue full" % (
        name, os.cpu_count() or 0), "%.1f; %s" % (load_average(), "?" if drops_before is None or drops_after is None
                                                  else drops_after - drops_before))
    if probe.failures:
        table.info(2, "%s: probe failure kinds" % name, " ".join(
            "%s:%d" % kv for kv in collections.Counter(str(f) for f in probe.failures).most_common()))
    time.sleep(1.0)


# --- Section 3: big bodies -------------------------------------------------------------------

def big_body_case(port, path, variant, total, limit):
    """Sends a 200 MB body; returns (refused, outcome, seconds after the headers, bytes sent)."""
    target = path + CONTROL_QUERY.get(path, "")
    lines = ["POST %s HTTP/1.1" % target, "Host: 127.0.0.1:%d" % port, "Content-Type: application/json"]
    chunked = "chunked" in variant
    if "upgrade" in variant:
        lines += ["Upgrade: websocket", "Connection: Upgrade"]
    if "expect" in variant:
        lines.append("Expect: 100-continue")
    lines.append("Transfer-Encoding: chunked" if chunked else "Content-Length: %d" % total)
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    sock = connect(port, source="127.0.0.1", timeout=2.0)
    sock.sendall(head)
    started = now()
    deadline = started + limit
    sock.setblocking(False)
    block = b"7" * 65536
    piece = (b"%x\r\n" % len(block) + block + b"\r\n") if chunked else block
    sent = 0
    received = b""
    outcome = None
    waiting_for_continue = "expect" in variant
    continue_wait_until = started + 0.2  # as curl: wait a little for 100 Continue, then send anyway
    try:
        while now() < deadline and outcome is None:
            want_write = sent < total and not (waiting_for_continue and now() < continue_wait_until)
            readable, writable, _ = select.select([sock], [sock] if want_write else [], [],
                                                  max(0.0, min(0.05, deadline - now())))
            if readable:
                try:
                    data = sock.recv(65536)
                except (ConnectionResetError, BrokenPipeError):
                    outcome = "reset"
                    break
                except BlockingIOError:
                    data = None
                if data == b"":
                    outcome = "closed"
                    break
                if data:
                    received += data
                    for match in re.finditer(rb"HTTP/1\.[01] (\d{3})", received):
                        code = int(match.group(1))
                        if code == 100:
                            waiting_for_continue = False
                            continue
                        outcome = code
                        break
            if writable and outcome is None:
                try:
                    sent += sock.send(piece)
                except BlockingIOError:
                    pass
                except (ConnectionResetError, BrokenPipeError):
                    outcome = "reset"
        if outcome is None and sent >= total and chunked:
            sock.setblocking(True)
            sock.sendall(b"0\r\n\r\n")
    finally:
        seconds = now() - started
        sock.close()
    if outcome is None:
        return False, "no answer within %.1f s" % limit, seconds, sent
    refused = outcome in ("closed", "reset") or (isinstance(outcome, int) and 400 <= outcome < 500)
    return refused, outcome, seconds, sent


def section_big_bodies(table, server, cases, limit, rss_limit):
    paths = sorted({path for path, _ in cases})
    variants = sorted({variant for _, variant in cases})
    log("[3] big bodies: %d cases" % len(cases))
    total = 200 * 1000 * 1000
    sampler = RssSampler(server)
    failures = []
    outcomes = collections.Counter()
    worst = 0.0
    for path, variant in cases:
        refused, outcome, seconds, sent = big_body_case(server.port, path, variant, total, limit)
        outcomes["%s:%s" % (variant, outcome if isinstance(outcome, (int,)) or outcome in ("closed", "reset")
                            else "none")] += 1
        worst = max(worst, seconds if refused else limit)
        if not refused:
            failures.append("%s %s (%s, %d bytes taken)" % (variant, path, outcome, sent))
    growth = sampler.finish()
    alive = server.healthy()
    count = len(cases)
    table.check(3, "200 MB bodies refused within %.1f s of the headers (%d paths, %d variants)" % (
        limit, len(paths), len(variants)), "%d/%d" % (count - len(failures), count), "%d/%d" % (count, count),
        not failures)
    if failures:
        by_variant = collections.Counter(f.split(" ")[0] for f in failures)
        table.info(3, "  ... not refused, by variant", " ".join("%s:%d" % kv for kv in by_variant.most_common()))
    table.info(3, "slowest refusal (an unrefused case counts as the limit)", "%.3f s" % worst)
    table.info(3, "answers (variant:status)", " ".join("%s:%d" % kv for kv in sorted(outcomes.items())))
    table.check(3, "big bodies: server RSS growth", "%.1f MB" % growth, "< %.0f MB" % rss_limit, growth < rss_limit)
    table.check(3, "big bodies: server alive after", "yes" if alive else "NO", "yes", alive)


# --- Section 4: WebSocket abuse --------------------------------------------------------------

def ws_abuse_case(port, name, frames, expect_close, source):
    """Sends frames; returns (closed, close code)."""
    client = WsClient(port, source=source)
    if client.status != 101:
        return False, "HTTP %s" % client.status
    client.read_message(now() + 2)  # connected
    try:
        for frame in frames:
            client.send(frame)
    except OSError:
        pass
    closed = client.wait_closed(now() + 2.0) if expect_close else None
    code = client.close_code
    client.close()
    return closed, code


def section_websocket(table, server, spread_connections, ping_count, flood_count, rss_limit, connect_limit):
    log("[4] WebSocket abuse")
    port = server.port
    sampler = RssSampler(server)
    source = "127.0.0.12"
    cases = [
        ("oversize message (one 200 KiB text frame)", [ws_text(b'{"type":"ping","pad":"' + b"x" * 200000 + b'"}')],
         {1009}),
        ("oversize message (40 fragments of 8 KiB)",
         [ws_frame(0x1, b"x" * 8192, fin=False)] + [ws_frame(0x0, b"x" * 8192, fin=False) for _ in range(38)]
         + [ws_frame(0x0, b"x" * 8192)], {1009}),
        ("oversize frame header (2^40 bytes announced, 1 MiB sent)",
         [ws_frame(0x2, b"", length=1 << 40) + b"y" * MB], {1009}),
        ("invalid UTF-8 in a text frame", [ws_text(b'{"type":"\xff\xfeping"}')], {1007}),
        ("continuation without a start", [ws_frame(0x0, b'{"type":"ping"}')], {1002}),
        ("interleaved fragments (text, then text again)",
         [ws_frame(0x1, b'{"type":', fin=False), ws_frame(0x1, b'{"type":', fin=False), ws_frame(0x0, b'"ping"}')],
         {1002}),
        ("control frame over 125 bytes", [ws_frame(0x9, b"p" * 200)], {1002}),
    ]
    for name, frames, codes in cases:
        try:
            closed, code = ws_abuse_case(port, name, frames, True, source)
        except (OSError, Closed, Timeout) as error:
            closed, code = False, "error %s" % type(error).__name__
        ok = bool(closed)
        table.check(4, "ws %s: connection closed" % name, "closed, code %s" % code if closed else "still open (%s)" %
                    code, "closed (%s)" % "/".join(str(c) for c in sorted(codes)), ok)

    # RFC 6455 wants an unmasked client frame to close the connection; QtWebSockets 6.4 takes it.
    # Measured, no target: the server cannot see the frames QtWebSockets parses.
    try:
        closed, code = ws_abuse_case(port, "unmasked", [ws_frame(0x1, b'{"type":"ping"}', mask=False)], True, source)
    except (OSError, Closed, Timeout) as error:
        closed, code = False, "error %s" % type(error).__name__
    table.info(4, "ws unmasked client frame (RFC 6455: close 1002)", "closed, code %s" % code if closed else
               "still open")

    # Ping floods, as fast as they go, the answers read on the side: control pings (answered by
    # QtWebSockets with pongs) and {"type":"ping"} messages (answered by the hub with "pong").
    def flood(name, frame, is_answer):
        answers = [0]
        try:
            client = WsClient(port, source=source)
            client.read_message(now() + 2)
            stop = threading.Event()

            def reader():
                while not stop.is_set():
                    try:
                        opcode, payload = client.read_frame(now() + 0.2)
                    except Timeout:
                        continue
                    except (Closed, OSError):
                        client.closed = True
                        return
                    if opcode == 0x8:
                        client.closed = True
                        return
                    if is_answer(opcode, payload):
                        answers[0] += 1

            thread = threading.Thread(target=reader, daemon=True)
            thread.start()
            started = now()
            sent = 0
            try:
                for sent in range(1, ping_count + 1):
                    client.send(frame)
            except OSError:
                client.closed = True
            flood_seconds = now() - started
            time.sleep(1.0)
            stop.set()
            thread.join()
            table.info(4, "ws %s flood: sent / answered / closed by the server" % name,
                       "%d / %d / %s (%.1f s)" % (sent, answers[0], "yes" if client.closed else "no", flood_seconds))
            client.close()
        except (OSError, Closed, Timeout) as error:
            table.info(4, "ws %s flood" % name, "could not run: %s" % error)

    flood("control ping", ws_frame(0x9, b"p" * 125), lambda opcode, payload: opcode == 0xA)
    flood('{"type":"ping"}', ws_text(b'{"type":"ping"}'),
          lambda opcode, payload: opcode == 0x1 and b'"pong"' in payload)

    # Message flood: get_state requests, never reading the answers.
    try:
        client = WsClient(port, source=source)
        client.read_message(now() + 2)
        message = ws_text(b'{"type":"get_state"}')
        sent = 0
        closed = False
        client.sock.settimeout(2.0)
        try:
            for sent in range(1, flood_count + 1):
                client.sock.sendall(message)
        except OSError:
            closed = True
        time.sleep(1.0)
        table.info(4, "ws message flood (get_state, answers never read): sent / closed by the server",
                   "%d / %s" % (sent, "yes" if closed or client.wait_closed(now() + 0.5) else "no"))
        client.close()
    except (OSError, Closed, Timeout) as error:
        table.info(4, "ws message flood", "could not run: %s" % error)

    # Many connections at once, from ten addresses.
    clients = []
    refused = collections.Counter()
    for index in range(spread_connections):
        try:
            client = WsClient(port, source="127.0.0.%d" % (2 + index % 10), timeout=3.0)
            if client.status == 101:
                clients.append(client)
            else:
                refused["HTTP %s" % client.status] += 1
                client.close()
        except (OSError, Closed, Timeout) as error:
            refused[type(error).__name__] += 1
    accepted = 0
    for client in clients:
        try:
            message = client.read_message(now() + 2.0)
        except Timeout:
            message = {"type": "no message within 2 s"}
        if message and message.get("type") == "connected":
            accepted += 1
        else:
            refused["101, then %s" % ("closed %s" % client.close_code if message is None else
                                      message.get("type"))] += 1
    time.sleep(1.0)
    for client in clients:
        client.close()
    table.info(4, "ws simultaneous connections (127.0.0.2-11): accepted / refused",
               "%d / %d (%s)" % (accepted, spread_connections - accepted,
                                 " ".join("%s:%d" % kv for kv in refused.most_common()) or "-"))
    time.sleep(0.5)
    growth = sampler.finish()
    alive = server.healthy()
    table.check(4, "ws abuse: server alive after", "yes" if alive else "NO", "yes", alive)
    table.check(4, "ws abuse: server RSS growth", "%.1f MB" % growth, "< %.0f MB" % rss_limit, growth < rss_limit)
    started = now()
    seconds = None
    try:
        client = WsClient(port, source="127.0.0.1", timeout=connect_limit + 1)
        message = client.read_message(started + connect_limit + 1)
        if message and message.get("type") == "connected":
            seconds = now() - started
        client.close()
    except (OSError, Closed, Timeout):
        pass
    table.check(4, "ws normal client on 127.0.0.1 gets 'connected' after", "%.3f s" % seconds if seconds is not None
                else "no", "< %.1f s" % connect_limit, seconds is not None and seconds < connect_limit)


# --- Section 5: production access matrix -----------------------------------------------------

def present_credentials(headers, target, origin, token_value):
    """Adds the Origin and the token (Bearer, cookie or ?token=) to a request; returns the target."""
    if origin:
        headers["Origin"] = origin
    if token_value:
        kind, value = token_value
        if kind == "bearer":
            headers["Authorization"] = "Bearer " + value
        elif kind == "cookie":
            headers["Cookie"] = "nnj_token=" + value
        else:
            target += ("&" if "?" in target else "?") + "token=" + value
    return target


def section_access_matrix(table, binary, workdir, mnist_dir, endpoints, with_ws, sanitizer):
    log("[5] production access matrix")
    token = "campaign-token-" + base64.b16encode(os.urandom(12)).decode().lower()
    allowed_origin = "https://nnj.example"
    data_dir = tempfile.mkdtemp(prefix="prod-", dir=workdir)
    if mnist_dir:
        link_mnist(mnist_dir, data_dir)
    server = Server(binary, data_dir, env={"ENVIRONMENT": "production", "NNJ_TOKEN": token,
                                           "ALLOWED_ORIGINS": allowed_origin}, sanitizer=sanitizer)
    if not server.start():
        table.check(5, "production server starts", "no", "yes", False)
        return
    try:
        # A small network (its model file is under the 64 KiB a non-controller may send, so the
        # access rules answer, not the size limit), training one batch a second when started.
        bearer = {"Authorization": "Bearer " + token}
        http(server.port, "POST", "/set-architecture", headers=bearer, body=ARCHITECTURE_BODY, timeout=5.0)
        http(server.port, "POST", "/set-speed?mode=step", headers=bearer, timeout=5.0)
        model_bytes = model_file([784, 16, 10], random.Random(1))
        tokens = [("none", None), ("wrong bearer", ("bearer", "wrong-" + token)),
                  ("wrong ?token=", ("query", "wrong-" + token)), ("wrong cookie", ("cookie", "wrong-" + token)),
                  ("right bearer", ("bearer", token)), ("right ?token=", ("query", token)),
                  ("right cookie", ("cookie", token))]
        origins = [("no Origin", None), ("allowed Origin", allowed_origin), ("foreign Origin", "https://evil.example")]
        hosts = [("good Host", "127.0.0.1:%d" % server.port), ("foreign Host", "evil.example")]
        mismatches = []
        checked = 0
        address = [0]

        def next_source():
            # A fresh source address per request: the rate limit (per address) never answers here.
            address[0] += 1
            return "127.2.%d.%d" % (address[0] // 250, 1 + address[0] % 250)

        def expected_http(token_kind, origin_name, host_name):
            if host_name == "foreign Host" or origin_name == "foreign Origin":
                codes = {403}
                if token_kind is None:
                    codes.add(401)  # missing token and a foreign Origin/Host: either refusal is right
                return "refused", codes
            if token_kind is None:
                return "refused", {401}
            if "wrong" in token_kind:
                return "refused", {403}
            return "allowed", None

        for path in endpoints:
            for token_name, token_value in tokens:
                for origin_name, origin in origins:
                    for host_name, host in hosts:
                        headers = {"Host": host}
                        target = present_credentials(headers, path + CONTROL_QUERY.get(path, ""),
                                                     origin, token_value)
                        body = b""
                        if path == "/set-architecture":
                            body = ARCHITECTURE_BODY
                        elif path == "/model":
                            body = model_bytes
                        status, _, _, _ = http(server.port, "POST", target, headers=headers, body=body,
                                               source=next_source(), timeout=5.0)
                        verdict, codes = expected_http(token_name if token_value else None, origin_name, host_name)
                        if verdict == "allowed":
                            # Past the access checks: the command's own answer (200, 400, 409; 503 for a
                            # start without MNIST).
                            ok = status is not None and status not in (401, 403, 429, 500)
                        else:
                            ok = status in codes
                        checked += 1
                        if not ok:
                            detail({"section": 5, "request": "POST " + target, "headers": headers,
                                    "status": status, "expected": verdict if verdict == "allowed" else sorted(codes)})
                            mismatches.append("POST %s [%s, %s, %s] -> %s, expected %s" % (
                                path, token_name, origin_name, host_name, status,
                                "allowed" if verdict == "allowed" else "/".join(str(c) for c in sorted(codes))))
                        if path == "/start-training" and status == 200:
                            http(server.port, "POST", "/stop-training", headers={"Authorization": "Bearer " + token},
                                 source=next_source())
        if with_ws:
            for token_name, token_value in tokens:
                for origin_name, origin in origins:
                    for host_name, host in hosts:
                        headers = {}
                        path = present_credentials(headers, "/ws", origin, token_value)
                        if host_name == "foreign Host" or origin_name == "foreign Origin":
                            expected = "refused"
                        elif token_value and "right" in token_name:
                            expected = "controller"
                        else:
                            expected = "viewer"
                        got = ws_command_outcome(server.port, path, headers, host, next_source())
                        checked += 1
                        if got != expected:
                            detail({"section": 5, "request": "WS " + path, "headers": headers, "host": host,
                                    "outcome": got, "expected": expected})
                            mismatches.append("WS command [%s, %s, %s] -> %s, expected %s" % (
                                token_name, origin_name, host_name, got, expected))
        table.check(5, "access matrix mismatches (%d checks: %d endpoints%s x 7 token x 3 Origin x 2 Host)" % (
            checked, len(endpoints), " + WS command" if with_ws else ""), len(mismatches), "0", not mismatches)
        for line in mismatches[:8]:
            table.info(5, "  mismatch", line)
        if len(mismatches) > 8:
            table.info(5, "  mismatch", "... and %d more" % (len(mismatches) - 8))
        alive = server.healthy()
        table.check(5, "production server alive after", "yes" if alive else "NO", "yes", alive)
    finally:
        server.stop()


def ws_command_outcome(port, path, headers, host, source):
    """refused (no connection or closed before 'connected'), viewer (command refused) or controller."""
    try:
        client = WsClient(port, source=source, path=path, headers=headers, host=host, timeout=3.0)
    except (OSError, Closed, Timeout):
        return "refused"
    try:
        if client.status != 101:
            return "refused"
        deadline = now() + 3.0
        message = client.read_message(deadline)
        if not message or message.get("type") != "connected":
            return "refused"
        # Everything the server sends on its own comes before the state snapshot; then the command.
        while message is not None and message.get("type") != "state":
            message = client.read_message(deadline)
        if message is None:
            return "closed before state"
        client.send(ws_text(b'{"type":"command","command":"pause"}'))
        while True:
            message = client.read_message(deadline)
            if message is None:
                return "closed after command"
            if message.get("type") == "command_result":
                return "controller"
            if message.get("type") == "error":
                return "viewer"
    except Timeout:
        return "no answer"
    except (OSError, Closed):
        return "refused"
    finally:
        client.close()


# --- Section 6: rate-limit memory ------------------------------------------------------------

def section_rate_limit(table, binary, workdir, total, unique_sources, workers, rss_limit, sanitizer):
    log("[6] rate-limit memory: %d control requests (%d from unique source addresses)" % (total, unique_sources))
    # A production server: no request is trusted for coming from loopback, so each one is
    # unauthenticated (401) after it took its share of the rate limit.
    data_dir = tempfile.mkdtemp(prefix="rate-", dir=workdir)
    server = Server(binary, data_dir, env={"ENVIRONMENT": "production", "NNJ_TOKEN": "campaign-" + "t" * 24},
                    sanitizer=sanitizer)
    if not server.start():
        table.check(6, "production server starts", "no", "yes", False)
        return
    try:
        run_rate_limit(table, server, total, unique_sources, workers, rss_limit)
    finally:
        server.stop()


def run_rate_limit(table, server, total, unique_sources, workers, rss_limit):
    time.sleep(0.5)
    sampler = RssSampler(server)
    histogram = collections.Counter()
    lock = threading.Lock()
    counter = [0]
    forwarded = total - unique_sources
    started = now()

    def forwarded_worker(index):
        conn = None
        while True:
            with lock:
                number = counter[0]
                if number >= forwarded:
                    break
                counter[0] += 1
            xff = "10.%d.%d.%d" % (number >> 16 & 255, number >> 8 & 255, number & 255)
            if number >= 1 << 24:
                xff = "2001:db8::%x" % number
            request = ("POST /stop-training HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Forwarded-For: %s\r\n"
                       "Content-Length: 0\r\n\r\n" % (server.port, xff)).encode()
            try:
                if conn is None:
                    conn = Conn(connect(server.port, source="127.0.0.%d" % (40 + index), timeout=2.0))
                conn.sock.sendall(request)
                status, headers, _ = conn.read_response(now() + 2.0)
                if headers.get("connection", "").lower() == "close":
                    conn.sock.close()
                    conn = None
            except (OSError, Closed, Timeout) as error:
                status = type(error).__name__
                if conn:
                    conn.sock.close()
                conn = None
            with lock:
                histogram[status] += 1
        if conn:
            conn.sock.close()

    threads = [threading.Thread(target=forwarded_worker, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    source_counter = [0]

    def source_worker(index):
        while True:
            with lock:
                number = source_counter[0]
                if number >= unique_sources:
                    break
                source_counter[0] += 1
            source = "127.%d.%d.%d" % (3 + number // 62500, number // 250 % 250, 1 + number % 250)
            status, _, _, _ = http(server.port, "POST", "/stop-training", source=source, timeout=2.0)
            with lock:
                histogram["src:%s" % status] += 1

    threads = [threading.Thread(target=source_worker, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = now() - started
    growth = sampler.finish()
    alive = server.healthy()
    table.check(6, "rate-limit table: RSS growth after %d requests (%.0f req/s)" % (total, total / elapsed),
                "%.1f MB" % growth, "< %.0f MB" % rss_limit, growth < rss_limit)
    table.info(6, "answers (src: = unique source address)", " ".join(
        "%s:%d" % kv for kv in sorted(histogram.items(), key=lambda kv: str(kv[0]))))
    table.check(6, "rate limit: server alive after", "yes" if alive else "NO", "yes", alive)


# --- Section 7: kill -9 during autosave ------------------------------------------------------

def model_file(sizes, rng, epochs=1, accuracy=0.5):
    """A valid model file (docs/model-format.md): small random weights, ReLU hidden layers."""
    out = bytearray(b"NNJMODEL")
    out += struct.pack("<II", 1, len(sizes))
    out += b"".join(struct.pack("<I", size) for size in sizes)
    out += bytes(len(sizes) - 2)  # activation code 0: ReLU
    out += struct.pack("<If", epochs, accuracy)
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        out += struct.pack("<%df" % (fan_in * fan_out), *(rng.uniform(-0.05, 0.05) for _ in range(fan_in * fan_out)))
        out += struct.pack("<%df" % fan_out, *([0.0] * fan_out))
    out += struct.pack("<I", zlib.crc32(bytes(out)) & 0xFFFFFFFF)
    return bytes(out)


def model_state(server):
    """(valid model, detail): GET /model is a model file and /api/state says trained."""
    status, _, body, _ = http(server.port, "GET", "/model", timeout=5.0)
    if status != 200 or not body.startswith(b"NNJMODEL"):
        return False, "GET /model -> %s, %d bytes" % (status, len(body))
    status, state = get_json(server.port, "/api/state")
    if status != 200 or not isinstance(state, dict) or not state.get("has_weights"):
        return False, "/api/state has_weights=%s" % (state or {}).get("has_weights")
    return True, "architecture %s" % state.get("architecture")


def section_kill_cycles(table, binary, workdir, mnist_dir, cycles, with_training, sanitizer, rng):
    log("[7] kill -9 during autosave: %d cycles" % cycles)
    data_dir = tempfile.mkdtemp(prefix="kill-", dir=workdir)
    if mnist_dir:
        link_mnist(mnist_dir, data_dir)
    model_path = os.path.join(data_dir, "models", "last.nnjmodel")
    failed_starts = []
    lost = []
    saved_once = False
    mid_save_kills = 0
    unsaved_kills = 0
    seen_leftovers = set()
    epoch_seconds = None
    upload_bytes = None
    modes = collections.Counter()
    start_limit = 30.0 if sanitizer else 15.0
    for cycle in range(cycles):
        server = Server(binary, data_dir, sanitizer=sanitizer)
        if not server.start(timeout=start_limit):
            failed_starts.append("cycle %d: %s" % (cycle, (server.output or ["no output"])[-1]))
            server.kill()
            continue
        try:
            if saved_once:
                ok, detail = model_state(server)
                if not ok:
                    lost.append("cycle %d: %s" % (cycle, detail))
            use_training = with_training and mnist_dir and cycle % 2 == 0
            if use_training:
                modes["training"] += 1
                _, state = get_json(server.port, "/api/state")
                if not state or state.get("architecture") != [784, 16, 10]:
                    http(server.port, "POST", "/set-architecture", body=ARCHITECTURE_BODY, timeout=5.0)
                # The epoch's end is announced (epoch_end) as its autosave starts on the save thread:
                # the kill comes 0-5 ms after the announcement, inside or right around the save.
                watcher = WsClient(server.port, source="127.0.0.1")
                before = os.stat(model_path).st_mtime_ns if os.path.exists(model_path) else None
                status, _, body, _ = http(server.port, "POST", "/start-training", timeout=10.0)
                started = now()
                if status != 200:
                    lost.append("cycle %d: start-training -> %s %s" % (cycle, status, body[:80]))
                # The first epoch may take minutes on a slow machine; later ones are bounded by it.
                deadline = started + (max(60.0, 5 * epoch_seconds) if epoch_seconds else 600 if sanitizer else 300)
                while True:
                    message = watcher.read_message(deadline)
                    if message is None or message.get("type") == "epoch_end":
                        break
                time.sleep(rng.uniform(0.0, 0.005))
                server.kill()
                watcher.close()
                after = os.stat(model_path).st_mtime_ns if os.path.exists(model_path) else None
                if message is not None and after == before:
                    unsaved_kills += 1  # the epoch's save had not completed when the process died
                if message is None:
                    lost.append("cycle %d: no epoch_end within the time limit" % cycle)
                elif epoch_seconds is None:
                    epoch_seconds = now() - started
                    table.info(7, "start of training to the first epoch's end", "%.2f s" % epoch_seconds)
            else:
                modes["upload"] += 1
                if upload_bytes is None:
                    upload_bytes = model_file([784, 16, 10], rng)
                # Uploads back to back on a thread (each one saves the model), killed at a random moment.
                uploads = [0]

                def uploader(port=server.port, body=upload_bytes):
                    while True:
                        # Each from another loopback address: the per-address rate limit stays out of it.
                        source = "127.4.%d.%d" % (uploads[0] // 250 % 250, 1 + uploads[0] % 250)
                        status, _, _, _ = http(port, "POST", "/model", body=body, timeout=5.0, source=source,
                                               headers={"Content-Type": "application/octet-stream"})
                        if status is None:
                            return
                        uploads[0] += 1
                        if status != 200:
                            uploads.append(status)

                thread = threading.Thread(target=uploader, daemon=True)
                thread.start()
                time.sleep(rng.uniform(0.05, 0.5))
                server.kill()
                thread.join()
                if len(uploads) > 1:
                    log("    uploads answered %s" % collections.Counter(uploads[1:]))
            server.kill()
        finally:
            server.kill()
        models_dir = os.path.dirname(model_path)
        if os.path.isdir(models_dir):
            leftovers = {name for name in os.listdir(models_dir) if name not in ("last.nnjmodel", "last.nnjmodel.bak")}
            if leftovers - seen_leftovers:
                mid_save_kills += 1
            seen_leftovers |= leftovers
        # A completed save is the only way the file appears (written aside, then renamed).
        saved_once = saved_once or os.path.exists(model_path)
        log("    cycle %d/%d: %s, lost so far %d, failed starts %d" % (
            cycle + 1, cycles, "training" if use_training else "upload", len(lost), len(failed_starts)))
    # The last restart: the model must still be there.
    server = Server(binary, data_dir, sanitizer=sanitizer)
    if server.start(timeout=start_limit):
        if saved_once:
            ok, detail = model_state(server)
            if not ok:
                lost.append("final start: %s" % detail)
    else:
        failed_starts.append("final start")
    server.kill()
    table.check(7, "kill -9 cycles (%s)" % " ".join("%s:%d" % kv for kv in sorted(modes.items())), cycles,
                ">= %d" % cycles, cycles >= 1 and saved_once)
    table.check(7, "kill -9: failed starts", len(failed_starts), "0", not failed_starts)
    table.check(7, "kill -9: lost models (restart without a valid trained model)", len(lost), "0", not lost)
    for line in (failed_starts + lost)[:5]:
        table.info(7, "  problem", line)
    table.info(7, "training kills before the epoch's save completed / with a temporary file left",
               "%d of %d / %d" % (unsaved_kills, modes["training"], mid_save_kills))


# --- Main ------------------------------------------------------------------------------------

def settle(server, limit=30.0):
    """Stops a run the generated requests started and waits until the server is idle and its RSS
    is steady, so that loading MNIST does not count against the next section's memory."""
    http(server.port, "POST", "/stop-training", timeout=5.0)
    deadline = now() + limit
    while now() < deadline:
        _, state = get_json(server.port, "/api/state")
        if isinstance(state, dict) and state.get("run_state") == "idle":
            break
        time.sleep(0.2)
    previous = server.rss()
    while now() < deadline:
        time.sleep(0.5)
        current = server.rss()
        if current is None or previous is None or abs(current - previous) < 0.5:
            break
        previous = current


def link_mnist(mnist_dir, data_dir):
    target = os.path.join(data_dir, "mnist")
    os.makedirs(target, exist_ok=True)
    for name in MNIST_FILES:
        source = os.path.join(mnist_dir, name)
        if os.path.exists(source) and not os.path.exists(os.path.join(target, name)):
            os.symlink(source, os.path.join(target, name))


def check_loopback(target):
    try:
        address = ipaddress.ip_address(socket.gethostbyname(target))
    except (OSError, ValueError):
        raise CampaignError("cannot resolve --target %s" % target)
    if not address.is_loopback:
        raise CampaignError("refusing to attack %s: the campaign runs against loopback only" % target)


def is_sanitizer_build(binary):
    with open(binary, "rb") as handle:
        data = handle.read()
    return b"__asan_init" in data or b"__tsan_init" in data


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the nnjourney-server to test")
    parser.add_argument("--fast", action="store_true", help="small counts (about a minute)")
    parser.add_argument("--sections", default="1,2,3,4,5,6,7", help="comma-separated section numbers")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed of the generated cases")
    parser.add_argument("--target", default="127.0.0.1", help="only loopback is accepted")
    parser.add_argument("--mnist-dir", default=os.environ.get("NNJ_MNIST_DIR", ""),
                        help="MNIST files (default $NNJ_MNIST_DIR); without them the kill cycles upload models only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders")
    parser.add_argument("--details", help="write one JSON line per failed case to this file")
    parser.add_argument("--kill-cycles", type=int, help="number of kill -9 cycles (default 50, fast 3)")
    options = parser.parse_args()
    global DETAILS
    if options.details:
        DETAILS = open(options.details, "w")
    check_loopback(options.target)
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        raise CampaignError("no executable server at %s" % binary)
    for probe_address in ("127.0.0.2", "127.0.0.11", "127.2.0.1"):
        probe = socket.socket()
        try:
            probe.bind((probe_address, 0))
        except OSError:
            raise CampaignError("cannot bind a socket to %s: the campaign needs all of 127/8 on lo" % probe_address)
        finally:
            probe.close()
    sections = {int(part) for part in options.sections.split(",") if part.strip()}
    sanitizer = is_sanitizer_build(binary)
    mnist_dir = options.mnist_dir if options.mnist_dir and all(
        os.path.exists(os.path.join(options.mnist_dir, name)) for name in MNIST_FILES) else ""
    rng = random.Random(options.seed)
    random.seed(options.seed)
    fast = options.fast
    # Targets. A sanitizer build runs several times slower and keeps freed memory in its
    # quarantine: its time limits are multiplied by 4 and its memory limits by 2.
    time_scale = 4.0 if sanitizer else 1.0
    memory_scale = 2.0 if sanitizer else 1.0
    answer_limit = 1.0 * time_scale
    p99_limit = 0.100 * time_scale
    rss_limit = 32.0 * memory_scale
    counts = dict(malformed=500 if fast else 10000, workers=8 if fast else 32, slowloris=50 if fast else 500,
                  slow_seconds=5.0 if fast else 25.0, ws_connections=30 if fast else 300,
                  pings=1000 if fast else 10000, flood=1000 if fast else 10000,
                  rate_total=3000 if fast else 100000, rate_sources=300 if fast else 10000,
                  kill_cycles=options.kill_cycles or (3 if fast else 50))
    big_variants = ["content-length", "chunked", "upgrade-content-length", "upgrade-chunked",
                    "expect-content-length"]
    if fast:  # one body per variant, each on another path
        big_cases = list(zip(["/set-architecture", "/model", "/predict", "/start-training", "/set-speed"],
                             big_variants))
    else:
        big_cases = [(path, variant) for path in POST_PATHS + ANALYSIS_POST_PATHS for variant in big_variants]
    matrix_endpoints = ["/start-training", "/set-architecture", "/model"] if fast else list(CONTROL_QUERY)

    workdir = tempfile.mkdtemp(prefix="nnj-campaign-")
    table = Table()
    started = time.time()
    log("campaign: %s (%s%s), work folder %s" % (binary, "fast" if fast else "full",
                                                  ", sanitizer build" if sanitizer else "", workdir))
    server = None
    try:
        data_dir = os.path.join(workdir, "main")
        os.makedirs(data_dir)
        if mnist_dir:
            link_mnist(mnist_dir, data_dir)
        server = Server(binary, data_dir, sanitizer=sanitizer)
        if sections & {1, 2, 3, 4}:
            if not server.start():
                raise CampaignError("the server did not start:\n" + "\n".join(server.output[-20:]))
            # Runs started by the generated requests train one batch a second: the attacks, not the
            # training, load the machine.
            http(server.port, "POST", "/set-speed?mode=step", timeout=5.0)
            table.info(0, "server", "pid %d port %d, RSS at start %.1f MB" % (server.pid, server.port, server.rss()))
        table.info(0, "machine load average (1 min) at the start, %d CPUs" % (os.cpu_count() or 0),
                   "%.1f" % load_average())

        def ensure_up(section):
            if server.healthy():
                return True
            table.check(section, "server up before the section (restarted)", "NO", "yes", False)
            server.kill()
            return server.start()

        if 1 in sections and ensure_up(1):
            section_malformed(table, server, counts["malformed"], counts["workers"], answer_limit, rng,
                              bool(mnist_dir))
            settle(server)
        if 2 in sections and ensure_up(2):
            for upgrade in (False, True):
                section_slowloris(table, server, counts["slowloris"], counts["slow_seconds"], p99_limit, rss_limit,
                                  upgrade)
        if 3 in sections and ensure_up(3):
            section_big_bodies(table, server, big_cases, answer_limit, rss_limit)
        if 4 in sections and ensure_up(4):
            section_websocket(table, server, counts["ws_connections"], counts["pings"], counts["flood"], rss_limit,
                              answer_limit)
        if 5 in sections:
            section_access_matrix(table, binary, workdir, mnist_dir, matrix_endpoints, True, sanitizer)
        if server.proc is not None:
            alive = server.alive()
            table.check(0, "main server process alive at the end", "yes" if alive else "NO", "yes", alive)
            server.stop()
        if 6 in sections:
            section_rate_limit(table, binary, workdir, counts["rate_total"], counts["rate_sources"], 8, rss_limit,
                               sanitizer)
        if 7 in sections:
            # The fast mode uploads models only: an epoch takes too long for its minute.
            section_kill_cycles(table, binary, workdir, mnist_dir, counts["kill_cycles"], not fast, sanitizer, rng)
    finally:
        if server:
            server.kill()
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.time() - started
    print("Neural Network Journey reliability campaign: %s mode, %s, %.0f s" % (
        "fast" if fast else "full", os.path.relpath(binary) if binary.startswith(os.getcwd()) else binary, elapsed))
    if sanitizer:
        print("Sanitizer build: time limits x%.0f (answers %.1f s, probe p99 %.0f ms), memory limits x%.0f (%.0f MB)"
              % (time_scale, answer_limit, p99_limit * 1000, memory_scale, rss_limit))
    if not mnist_dir:
        print("No MNIST (NNJ_MNIST_DIR): no generated request starts a run, the kill -9 cycles upload models.")
    print(table.render())
    failures = table.failures()
    print("%d rows, %d FAIL" % (len(table.rows), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CampaignError as error:
        print("campaign: %s" % error, file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)

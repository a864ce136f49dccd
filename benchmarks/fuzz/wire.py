"""The fuzzer's HTTP layer: a request model, SharedKey signing, serialisation to bytes, a raw-socket exchange and a
strict parser of what comes back.

Raw sockets, not an HTTP library, so that the bytes sent can be anything (broken framing, bare LFs, NULs) and the
bytes received are judged as they are, not as a lenient client would repair them.
"""
import base64
import hashlib
import hmac
import re
import select
import socket
import time
import urllib.parse
from dataclasses import dataclass, field

from emulator_process import ACCOUNT, KEY

KEY_BYTES = base64.b64decode(KEY)
SIGNED_BLOB_HEADERS = ("content-encoding", "content-language", "content-length", "content-md5", "content-type",
                       "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range")


@dataclass
class Request:
    """One request before serialisation. Header names and values are `str` (latin-1 on the wire, so any byte can be
    expressed); `auth` says how to sign: "sign" (fresh SharedKey), "stale" (keep the captured header), "none"."""

    service: str
    method: str
    target: str
    headers: list
    body: bytes
    auth: str = "sign"
    label: str = ""
    mutations: list = field(default_factory=list)

    def header(self, name: str):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_header(self, name: str, value):
        """Replaces every header of this name by one (value None removes them)."""
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        if value is not None:
            self.headers.append((name, value))


def _query_items(target: str):
    """The query as the emulator decodes it: `&`-split, `+` as space, percent-decoded, names lowercased."""
    if "?" not in target:
        return []
    items = []
    for pair in target.split("?", 1)[1].split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        items.append((urllib.parse.unquote_plus(name).lower(), urllib.parse.unquote_plus(value)))
    return items


def _lite_resource(target: str) -> str:
    """`/account/path` plus `?comp=` (Table SharedKey)."""
    path = target.split("?", 1)[0]
    comp = next((v for n, v in _query_items(target) if n == "comp"), None)
    return f"/{ACCOUNT}{path}" + (f"?comp={comp}" if comp is not None else "")


def string_to_sign(request: Request) -> str:
    """Azure's SharedKey string-to-sign for the request's service (Table has its own short form)."""
    values = {}
    for name, value in request.headers:
        key = name.lower()
        values[key] = f"{values[key]}, {value}" if key in values and not key.startswith("x-ms-") else value
    if request.service == "table":
        date = values.get("x-ms-date", values.get("date", ""))
        return "\n".join([request.method, values.get("content-md5", ""), values.get("content-type", ""), date,
                          _lite_resource(request.target)])
    lines = [request.method]
    for name in SIGNED_BLOB_HEADERS:
        value = values.get(name, "")
        lines.append("" if name == "content-length" and value == "0" else value)
    ms = {}
    for name, value in request.headers:
        if name.lower().startswith("x-ms-"):
            key, value = name.lower(), value.strip(" \t")
            ms[key] = f"{ms[key]},{value}" if key in ms else value
    canonical = "".join(f"{name}:{ms[name]}\n" for name in sorted(ms))
    resource = f"/{ACCOUNT}{request.target.split('?', 1)[0]}"
    grouped = {}
    for name, value in _query_items(request.target):
        grouped.setdefault(name, []).append(value)
    for name in sorted(grouped):
        resource += f"\n{name}:{','.join(sorted(grouped[name]))}"
    return "\n".join(lines) + "\n" + canonical + resource


def sign(request: Request):
    """Sets `Authorization` as the request's `auth` asks; a fresh signature lets a mutated request past
    authentication, so the mutation reaches the operation's own parsing."""
    if request.auth == "stale":
        return
    if request.auth == "none":
        request.set_header("Authorization", None)
        return
    text = string_to_sign(request).encode("utf-8", "surrogatepass")
    digest = base64.b64encode(hmac.new(KEY_BYTES, text, hashlib.sha256).digest()).decode()
    request.set_header("Authorization", f"SharedKey {ACCOUNT}:{digest}")


def serialise(request: Request, port: int) -> bytes:
    """The request as bytes: request line, `Host`, the headers in order, the body. `Content-Length` is whatever the
    headers say (the mutators keep it true unless lying about it is the mutation)."""
    head = f"{request.method} {request.target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in request.headers)
    return head.encode("utf-8", "surrogatepass") + b"\r\n" + request.body


@dataclass
class Exchange:
    """What came back for one request: the bytes, whether the server closed, and how long it took."""

    data: bytes
    closed: bool
    timed_out: bool
    reset: bool
    seconds: float
    connect_error: str = ""


def exchange(port: int, payload: bytes, timeout: float) -> Exchange:
    """Sends everything, half-closes (so a server waiting for more head or body sees the end at once instead of
    after its 30 s idle timeout) and reads until the server closes or `timeout` passes. Sending and reading
    interleave: a server that answers early (431 on a huge head) and stops reading must not block the client."""
    start = time.monotonic()
    deadline = start + timeout
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError as error:
        return Exchange(b"", False, False, False, time.monotonic() - start, connect_error=str(error))
    result = Exchange(b"", False, False, False, 0.0)
    chunks = []
    try:
        sock.setblocking(False)
        sent = 0
        while sent < len(payload) and not result.closed and not result.timed_out:
            readable, writable, _ = select.select([sock], [sock], [], max(0.0, deadline - time.monotonic()))
            if readable:
                _receive(sock, chunks, result)
            elif writable:
                try:
                    sent += sock.send(payload[sent:sent + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    result.reset = True  # the server answered early and closed; read what it wrote
                    break
            else:
                result.timed_out = True
        if not result.closed and not result.timed_out:
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            while not result.closed:
                readable, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
                if not readable:
                    result.timed_out = True
                    break
                _receive(sock, chunks, result)
    finally:
        sock.close()
    result.data = b"".join(chunks)
    result.seconds = time.monotonic() - start
    return result


def _receive(sock, chunks, result):
    """One read: bytes are kept; end of stream or a reset marks the exchange closed."""
    try:
        chunk = sock.recv(65536)
    except BlockingIOError:
        return
    except ConnectionResetError:
        result.reset = result.closed = True
        return
    if chunk:
        chunks.append(chunk)
    else:
        result.closed = True


STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([1-5][0-9][0-9]) [^\r\n]*\r\n")
HEADER_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n]*)")


@dataclass
class Response:
    status: int
    headers: dict  # lowercase name -> list of values
    body: bytes


class Malformed(Exception):
    """The server's bytes are not a well-formed HTTP/1.1 response."""


def parse_response(data: bytes, offset: int, head_request: bool, closed: bool):
    """Parses one response at `offset`; returns it and the offset after it. Strict: a bad status line, a header
    line that is not `token: value`, conflicting lengths or a body cut short raise `Malformed`."""
    match = STATUS_LINE.match(data, offset)
    if not match:
        raise Malformed(f"bad status line: {data[offset:offset + 80]!r}")
    status = int(match.group(1))
    end = data.find(b"\r\n\r\n", match.start())
    if end < 0:
        raise Malformed("response head not terminated")
    headers = {}
    for line in data[match.end():end].split(b"\r\n"):
        if not line:
            continue
        header = HEADER_LINE.fullmatch(line)
        if not header:
            raise Malformed(f"bad header line: {line[:80]!r}")
        headers.setdefault(header.group(1).decode().lower(), []).append(header.group(2).decode("latin-1"))
    position = end + 4
    lengths = set(headers.get("content-length", []))
    if len(lengths) > 1:
        raise Malformed(f"conflicting Content-Length: {sorted(lengths)}")
    chunked = any("chunked" in v.lower() for v in headers.get("transfer-encoding", []))
    if head_request or status in (204, 304) or 100 <= status < 200:
        return Response(status, headers, b""), position
    if chunked:
        return _parse_chunked(data, position, status, headers)
    if lengths:
        length = lengths.pop()
        if not length.isdigit():
            raise Malformed(f"bad Content-Length {length!r}")
        if len(data) - position < int(length):
            raise Malformed(f"body cut short: {len(data) - position} of {length} bytes")
        return Response(status, headers, data[position:position + int(length)]), position + int(length)
    if not closed:
        raise Malformed("body without length on an open connection")
    return Response(status, headers, data[position:]), len(data)


def _parse_chunked(data: bytes, position: int, status: int, headers: dict):
    body = []
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            raise Malformed("chunk size line cut short")
        size_text = data[position:line_end].split(b";")[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]+", size_text):
            raise Malformed(f"bad chunk size {size_text[:20]!r}")
        size = int(size_text, 16)
        position = line_end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n", position)
            while trailer_end > position:  # skip trailers
                position = trailer_end + 2
                trailer_end = data.find(b"\r\n", position)
            if trailer_end < 0:
                raise Malformed("chunked body not terminated")
            return Response(status, headers, b"".join(body)), trailer_end + 2
        if len(data) < position + size + 2 or data[position + size:position + size + 2] != b"\r\n":
            raise Malformed("chunk cut short")
        body.append(data[position:position + size])
        position += size + 2


def parse_all(data: bytes, head_request: bool, closed: bool) -> list:
    """Every response in the bytes (a mutation can make the server see several requests). They answer the request
    and its pipelined copies, or bytes the server read as further requests: a later response whose framing does not
    fit the request's method is tried as the answer to the other kind (HEAD or not) before being called malformed."""
    responses, offset = [], 0
    while offset < len(data):
        try:
            response, offset = parse_response(data, offset, head_request, closed)
        except Malformed:
            if not responses:
                raise
            response, offset = parse_response(data, offset, not head_request, closed)
        responses.append(response)
    return responses

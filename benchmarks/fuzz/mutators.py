"""Mutations of a captured SDK request, in two layers.

Structured mutations change the request's parts (method, path, query, headers, body) and are applied before
signing, so most of them get past authentication and reach the operation's own parsing, where the bugs live.
Wire mutations change the serialised bytes after signing (framing, chunked encoding, truncation, garbage), which
is what the HTTP decoder sees. Every choice comes from the `random.Random` passed in: the same seed and request
index give the same bytes.
"""
import base64
import json
import re
import urllib.parse

# Values that break parsers: empty, huge, signed, non-ASCII, control characters, escapes, numbers out of range.
ODD_VALUES = [
    "", " ", "0", "-1", "-0", "1e400", "NaN", "9223372036854775808", "18446744073709551616", "99999999999999999999",
    "2147483648", "-2147483649", "0x10", "true", "null", "%", "%zz", "%00", "%2e%2e", "\u00e9", "\U0001f600",
    "\ud800", "a\x00b", "\x7f", "\t", "a,b", "*", "'", '"', "<", "&amp;", "A" * 300, "9" * 40,
]
INTERESTING_NAMES = ["..", "%2e%2e", "%2E%2E%2F..", ".", "%00", "a%00b", "%2F", "%", "%zz", "-", "--a", "a--b",
                     "UPPER", "a", "ab", "x" * 64, "y" * 1025, "z" * 4000, "\u00e9t\u00e9", "%C3%A9", "%FF%FE",
                     "$root", "$logs", "Tables", "$batch", "fuzzc", "fuzzq", "fuzzt", "con", "a b", "a+b",
                     "(PartitionKey='p',RowKey='r1')", "()", "t(PartitionKey='%27',RowKey='')", "messages"]
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "MERGE", "OPTIONS", "TRACE", "CONNECT", "get", "PROPFIND",
           "G\x00T", "X" * 300, "", "PUT PUT", "BREW"]
VERSIONS = ["", "2009-09-19", "2015-02-21", "2019-02-02", "2099-12-31", "1999-01-01", "2020-13-45", "latest", "x" * 500,
            "2021-08-06, 2021-08-06", "\u00e9"]
DATES = ["", "garbage", "Mon, 32 Dec 2026 25:61:61 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
         "Sat, 01 Jan 0000 00:00:00 GMT", "2026-12-04T00:00:00Z", "Fri, 04 Dec 2026 19:35:20 PST", "9" * 100]
RANGES = ["bytes=0-0", "bytes=5-1", "bytes=-0", "bytes=-5", "bytes=10-", "bytes=0-18446744073709551616",
          "bytes=99999999999-", "bytes=a-b", "bytes=0-1,3-4", "bytes=", "items=0-1", "bytes=-", "bytes=--1",
          "bytes=0-9223372036854775807", "bytes=9223372036854775807-9223372036854775807", "bytes= 1 - 2 "]
HEADERS_TO_ADD = ["x-ms-range", "Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
                  "x-ms-lease-id", "x-ms-lease-action", "x-ms-lease-duration", "x-ms-proposed-lease-id",
                  "x-ms-blob-type", "x-ms-blob-content-length", "x-ms-copy-source", "x-ms-meta-", "x-ms-meta-1bad",
                  "x-ms-meta-ok", "Content-MD5", "x-ms-blob-content-md5", "x-ms-content-crc64", "x-ms-blob-public-access",
                  "x-ms-access-tier", "x-ms-delete-snapshots", "x-ms-range-get-content-md5", "Expect",
                  "Transfer-Encoding", "Content-Encoding", "x-ms-blob-condition-maxsize", "x-ms-blob-sequence-number",
                  "x-ms-if-tags", "x-ms-source-if-match", "Prefer", "DataServiceVersion", "Accept", "Content-Type",
                  "x-ms-client-request-id", "x-ms-version", "x-ms-date", "Date", "Origin",
                  "Access-Control-Request-Method"]
FILTERS = ["PartitionKey eq 'p'", "Int gt 3", "not Flag", "Text eq 'unterminated", "Int eq 99999999999999999999",
           "Big eq 99999999999999999999L", "Double eq 1e400", "When eq datetime'garbage'", "Id eq guid'x'",
           "Bytes eq X'zz'", "Bytes eq binary'00'", "Text eq ''''", "startswith(Text,'h')", "Int add 1 eq 2",
           "Int eq", "eq", "()", "(", ")", "and", "PartitionKey eq @missing", "Int eq -", "Int eq --1",
           "Text ne null", "Int eq 1 or", "substringof('a', Text)", "Text eq 'a' and Text eq 'b' and", "Ünï eq 1",
           "true", "Flag eq true eq false", "Int lt 2147483648", "Big eq -9223372036854775809L"]


def quote(text: str, safe: str = "/") -> str:
    """Percent-encodes any text, lone surrogates included (they are among the odd values)."""
    return urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe=safe)


def pick(rng, values):
    return values[rng.randrange(len(values))]


def odd_value(rng) -> str:
    """A value from the breaking list, or a long or random one."""
    choice = rng.random()
    if choice < 0.7:
        return pick(rng, ODD_VALUES)
    if choice < 0.85:
        return pick(rng, ["a", "9", "%", "\u00e9", "=", "&"]) * rng.choice([64, 1025, 8193, 70000])
    return "".join(chr(rng.randrange(1, 0x2FF)) for _ in range(rng.randrange(1, 40)))


def set_body(request, body: bytes):
    """Replaces the body and keeps Content-Length true (lying about it is a wire mutation)."""
    request.body = body
    if request.header("Content-Length") is not None or body:
        request.set_header("Content-Length", str(len(body)))


# --- method, path, query ---------------------------------------------------------------------------------------

def mutate_method(rng, request):
    request.method = pick(rng, METHODS)


def _split_target(target):
    path, _, query = target.partition("?")
    return path, query


def mutate_path_segment(rng, request):
    """Replaces, inserts or repeats a path segment: traversal, NULs, over-long and invalid names."""
    path, query = _split_target(request.target)
    segments = path.split("/")
    index = rng.randrange(1, len(segments) + 1)
    name = pick(rng, INTERESTING_NAMES) if rng.random() < 0.8 else quote(odd_value(rng), safe="")
    operation = rng.randrange(3)
    if operation == 0 and index < len(segments):
        segments[index] = name
    elif operation == 1:
        segments.insert(index, name)
    else:
        segments.insert(index, "/".join([name] * rng.randrange(2, 50)))
    request.target = "/".join(segments) + (f"?{query}" if query else "")


def mutate_path_form(rng, request):
    """Request targets the path parser may not expect: absolute form, `*`, none, double slashes, no account."""
    path, query = _split_target(request.target)
    forms = [f"http://127.0.0.1{path}", "*", "", "/", "//" + path.lstrip("/"), path.replace("/", "//"),
             path.replace("/devstoreaccount1", "", 1), path.replace("devstoreaccount1", "otheraccount", 1),
             path + "/", path.replace("/", "%2F"), path + "#frag", "/" + "a/" * 2000, path.upper(),
             path.replace("/devstoreaccount1", "/devstoreaccount1/devstoreaccount1", 1)]
    request.target = pick(rng, forms) + (f"?{query}" if query else "")


def mutate_query(rng, request):
    """Adds, removes, duplicates or garbles query parameters (comp, restype, timeouts, counts, tokens)."""
    path, query = _split_target(request.target)
    pairs = [p for p in query.split("&") if p]
    names = ["comp", "restype", "timeout", "maxresults", "marker", "prefix", "delimiter", "include", "blockid",
             "blocklisttype", "snapshot", "numofmessages", "visibilitytimeout", "messagettl", "peekonly",
             "popreceipt", "$top", "$select", "$filter", "NextPartitionKey", "NextRowKey", "NextTableName",
             "$format", "sv", "sig", "se", "sp", "versionid"]
    operation = rng.randrange(5)
    if operation == 0 or not pairs:
        pairs.insert(rng.randrange(len(pairs) + 1), f"{pick(rng, names)}={quote(odd_value(rng))}")
    elif operation == 1:
        pairs.pop(rng.randrange(len(pairs)))
    elif operation == 2:
        pairs.append(pick(rng, pairs))
    elif operation == 3:
        index = rng.randrange(len(pairs))
        name = pairs[index].split("=")[0]
        pairs[index] = f"{name}={quote(odd_value(rng)) if rng.random() < 0.7 else odd_value(rng)}"
    else:
        pairs.insert(rng.randrange(len(pairs) + 1), pick(rng, ["=", "&&", "a", "=b", "%", "comp", "comp=",
                                                                "restype=container&restype=service"]))
    request.target = path + "?" + "&".join(pairs)


def mutate_filter(rng, request):
    """An OData `$filter` that is nested thousands deep, very long, or broken (issue 18's deep-filter case)."""
    path, query = _split_target(request.target)
    pairs = [p for p in query.split("&") if p and not p.startswith("$filter=")]
    depth = rng.choice([10, 100, 1000, 5000, 20000])
    shapes = [
        "(" * depth + "PartitionKey eq 'p'" + ")" * depth,
        "(" * depth + "PartitionKey eq 'p'",
        "not " * depth + "Flag",
        " and ".join(["Int gt 1"] * depth),
        " or ".join(f"RowKey eq '{i}'" for i in range(depth)),
        "(" * depth,
        ")" * depth,
        pick(rng, FILTERS),
        pick(rng, FILTERS) + " and " + pick(rng, FILTERS),
        "PartitionKey eq '" + "x" * rng.choice([1000, 100000]) + "'",
    ]
    pairs.append("$filter=" + quote(pick(rng, shapes)))
    request.target = path + "?" + "&".join(pairs)


def mutate_blockid(rng, request):
    """Block ids of odd lengths, bad base64, over 64 bytes, empty (in the query or in a block list body)."""
    ids = ["", "a", "ab", "abc", "YQ", "YQ=", "YQ==", "YWJj", "!!!!", "Y" * 65, "Y" * 88, "Y" * 100 + "==", "====",
           "YmxvY2stMDAwMDAx", "YmxvY2stMDAwMDAx" * 8, "%00", "\u00e9", "a b", "YmxvY2st MDAwMDAx"]
    block_id = pick(rng, ids)
    path, query = _split_target(request.target)
    if "comp=blocklist" in query and request.method == "PUT":
        entries = "".join(f"<{pick(rng, ['Latest', 'Committed', 'Uncommitted', 'Bogus'])}>{pick(rng, ids)}"
                          f"</Latest>" for _ in range(rng.randrange(0, 5)))
        set_body(request, f'<?xml version="1.0" encoding="utf-8"?><BlockList>{entries}</BlockList>'.encode())
        return
    pairs = [p for p in query.split("&") if p and not p.startswith("blockid=")]
    pairs += ["comp=block"] if "comp=block" not in pairs else []
    pairs.append("blockid=" + quote(block_id, safe=""))
    request.target = path + "?" + "&".join(pairs)


# --- headers ---------------------------------------------------------------------------------------------------

def mutate_header_value(rng, request):
    """Sets a known or existing header to a breaking value: versions, dates, ranges, anything."""
    name = pick(rng, [n for n, _ in request.headers] + HEADERS_TO_ADD) if rng.random() < 0.6 else pick(rng, [
        "x-ms-version", "x-ms-date", "Range", "x-ms-range", "Content-Type", "Content-MD5"])
    lower = name.lower()
    if lower == "x-ms-version":
        value = pick(rng, VERSIONS)
    elif "date" in lower or "since" in lower:
        value = pick(rng, DATES)
    elif "range" in lower:
        value = pick(rng, RANGES)
    elif lower == "content-type":
        value = pick(rng, ["", "multipart/mixed", "multipart/mixed; boundary=", "multipart/mixed; boundary=\"x",
                           "application/json;odata=fullmetadata", "application/atom+xml", "text/plain; charset=x",
                           "application/xml; charset=utf-16", "multipart/mixed; boundary=" + "b" * 5000])
    elif lower == "content-length":
        return  # kept true here; wire mutations lie about it
    else:
        value = odd_value(rng)
    request.set_header(name, value)


def mutate_headers_shape(rng, request):
    """Duplicated, missing, very many or huge headers."""
    operation = rng.randrange(5)
    if operation == 0 and request.headers:
        request.headers.append(pick(rng, request.headers))
    elif operation == 1 and request.headers:
        request.headers.pop(rng.randrange(len(request.headers)))
    elif operation == 2:
        count = rng.choice([100, 1000, 5000])
        request.headers += [(f"x-ms-meta-m{i}", "v") for i in range(count)]
    elif operation == 3:
        request.headers.append((pick(rng, ["x-ms-meta-big", "x-ms-client-request-id", "User-Agent", "Cookie"]),
                                "h" * rng.choice([8192, 70000, 200000])))
    else:
        request.headers.append((pick(rng, HEADERS_TO_ADD), odd_value(rng)))


def mutate_auth(rng, request):
    """Stale, missing or garbled credentials: the authentication path must refuse cleanly."""
    choice = rng.randrange(4)
    if choice == 0:
        request.auth = "stale"
    elif choice == 1:
        request.auth = "none"
    else:
        request.auth = "stale"
        request.set_header("Authorization", pick(rng, [
            "SharedKey", "SharedKey devstoreaccount1", "SharedKey devstoreaccount1:", "SharedKey :x",
            "SharedKeyLite devstoreaccount1:AAAA", "Bearer x", "SharedKey nobody:AAAA", "Basic Zm9vOmJhcg==",
            "SharedKey devstoreaccount1:" + "A" * 5000, "SharedKey devstoreaccount1:%%%", "sharedkey a:b:c", ""]))


# --- bodies ----------------------------------------------------------------------------------------------------

def _deep_xml(rng):
    depth = rng.choice([100, 1000, 10000, 100000])
    return ("<a>" * depth + "x" + "</a>" * depth).encode()


XML_BOMBS = [
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><BlockList><Latest>&g;</Latest></BlockList>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<QueueMessage><MessageText>&xxe;</MessageText></QueueMessage>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/">]><SignedIdentifiers>&xxe;'
    b'</SignedIdentifiers>',
    b'<?xml version="1.0" encoding="utf-16"?><BlockList/>',
    b'<?xml version="1.0" encoding="bogus"?><BlockList/>',
    b"\xef\xbb\xbf<?xml version='1.0'?><BlockList><Latest>YmxvY2stMDAwMDAx</Latest></BlockList>",
    b"<BlockList><Latest>YmxvY2stMDAwMDAx</Latest>",
    b"<>", b"<?xml", b"<a></b>", b"<a/><a/>", b"<![CDATA[x", b"<a>\xff\xfe</a>", b"<a>&#0;</a>", b"<a>&#x110000;</a>",
    b"<a b='1' b='2'/>", b"<StorageServiceProperties><Cors><CorsRule><MaxAgeInSeconds>99999999999999999999"
    b"</MaxAgeInSeconds></CorsRule></Cors></StorageServiceProperties>",
    b"<StorageServiceProperties><Logging><RetentionPolicy><Days>-5</Days></RetentionPolicy></Logging>"
    b"</StorageServiceProperties>",
    b"<SignedIdentifiers>" + b"<SignedIdentifier><Id>x</Id></SignedIdentifier>" * 10 + b"</SignedIdentifiers>",
    b"<SignedIdentifiers><SignedIdentifier><Id>" + b"i" * 100 + b"</Id><AccessPolicy><Start>garbage</Start>"
    b"<Permission>zzz</Permission></AccessPolicy></SignedIdentifier></SignedIdentifiers>",
    b"<QueueMessage><MessageText>" + b"m" * 70000 + b"</MessageText></QueueMessage>",
]


def mutate_xml_body(rng, request):
    """Malformed XML where an XML body is expected (and XML where none is): truncated, deep, entity bombs, XXE."""
    choice = rng.randrange(4)
    if choice == 0 and request.body:
        set_body(request, request.body[:rng.randrange(len(request.body))])
    elif choice == 1:
        set_body(request, _deep_xml(rng))
    elif choice == 2:
        set_body(request, pick(rng, XML_BOMBS))
    else:
        body = request.body.decode("utf-8", "replace")
        tags = re.findall(r"<(\w+)>", body)
        if tags:
            tag = pick(rng, tags)
            body = body.replace(f"<{tag}>", f"<{tag}>{odd_value(rng)}", 1) if rng.random() < 0.5 else \
                body.replace(f"</{tag}>", "", 1)
        set_body(request, body.encode("utf-8", "surrogatepass"))


def _json_swap(rng, value):
    """Replaces a random leaf of a JSON document by a value of another type or an odd one."""
    if isinstance(value, dict) and value:
        key = pick(rng, sorted(value))
        value[key] = _json_swap(rng, value[key])
        return value
    return pick(rng, [None, True, 1e308, -1, 2**63, 2**64, "", "x" * 70000, [], {}, "Edm.Int64", "\ud800",
                      "9999-99-99T99:99:99Z", {"a": {"b": {}}}, [1, "a", None]])


def mutate_json_body(rng, request):
    """Malformed or hostile JSON entity bodies: truncated, nested deep, wrong types, bogus `odata.type`s, too many
    properties."""
    try:
        document = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # an earlier mutation of this request broke or nested it
        document = {}
    if not isinstance(document, dict):
        document = {}
    choice = rng.randrange(6)
    if choice == 0 and request.body:
        body = request.body[:rng.randrange(len(request.body))]
    elif choice == 1:
        depth = rng.choice([100, 1000, 10000, 100000])
        body = ('{"PartitionKey":"p","RowKey":"d","X":' + "[" * depth + "]" * depth + "}").encode()
    elif choice == 2:
        body = json.dumps(_json_swap(rng, document), ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    elif choice == 3:
        name = pick(rng, sorted(document)) if document else "V"
        document[name + "@odata.type"] = pick(rng, ["Edm.Int64", "Edm.DateTime", "Edm.Guid", "Edm.Binary",
                                                    "Edm.Double", "Edm.Boolean", "Edm.Int32", "Edm.Bogus", ""])
        document[name] = odd_value(rng)
        body = json.dumps(document).encode("utf-8", "surrogatepass")
    elif choice == 4:
        document.update({f"P{i}": i for i in range(rng.choice([250, 260, 1000]))})
        body = json.dumps(document).encode()
    else:
        body = pick(rng, [b"", b"{", b"[]", b"null", b'{"a":1,"a":2}', b'{"PartitionKey":1,"RowKey":2}',
                          b'{"PartitionKey":"' + b"p" * 2000 + b'","RowKey":"r"}', b'{"PartitionKey":"p\\u0000",'
                          b'"RowKey":"r/\\\\#?"}', b'{"TableName":""}', b'{"TableName":"' + b"t" * 100 + b'"}',
                          b'{"TableName":"1bad"}', b"\xff\xfe{", b'{"x":"\\ud800"}', b'{"x":1e99999}'])
    set_body(request, body)


def mutate_batch_body(rng, request):
    """Broken `$batch` multiparts: boundaries wrong or missing, parts cut, changesets nested or duplicated,
    too many operations, inner request lines garbled."""
    body = request.body
    boundary_match = re.search(rb"--(batch_[0-9a-f-]+)", body)
    changeset_match = re.search(rb"--(changeset_[0-9a-f-]+)", body)
    choice = rng.randrange(8)
    if choice == 0 and body:
        body = body[:rng.randrange(len(body))]
    elif choice == 1 and boundary_match:
        body = body.replace(boundary_match.group(1), b"batch_other", rng.randrange(1, 3))
    elif choice == 2 and changeset_match:
        body = body.replace(changeset_match.group(1), pick(rng, [b"", b"x" * 5000, b"changeset_other"]))
    elif choice == 3 and changeset_match:
        start = body.find(b"--" + changeset_match.group(1))
        end = body.rfind(b"--" + changeset_match.group(1) + b"--")
        if 0 <= start < end:
            part = body[start:end]
            body = body[:end] + part * rng.choice([2, 30, 120]) + body[end:]
    elif choice == 4:
        lines = body.split(b"\r\n")
        if lines:
            index = rng.randrange(len(lines))
            lines[index] = pick(rng, [b"", b"GET / HTTP/1.1", b"POST http://x/devstoreaccount1/other HTTP/1.1",
                                      b"Content-Length: 99999", b"Content-Length: -1", b"Content-Type: multipart/mixed",
                                      b"--", b"\x00" * 10, odd_value(rng).encode("utf-8", "surrogatepass")])
        body = b"\r\n".join(lines)
    elif choice == 5:
        body = body.replace(b"\r\n", b"\n")
    elif choice == 6 and changeset_match:
        inner = (b"Content-Type: multipart/mixed; boundary=changeset_nested\r\n\r\n--changeset_nested\r\n"
                 b"Content-Type: application/http\r\n\r\nDELETE http://x/devstoreaccount1/fuzzt(PartitionKey='b',"
                 b"RowKey='1') HTTP/1.1\r\nIf-Match: *\r\n\r\n\r\n--changeset_nested--\r\n")
        body = body.replace(b"Content-Type: application/http", inner, 1)
    else:
        body = pick(rng, [b"", b"--", b"--batch_x--", b"--batch_16196bc5\r\n\r\n", b"\r\n" * 1000])
    set_body(request, body)


def mutate_body_bytes(rng, request):
    """Byte-level damage to any body: flips, inserts, deletions, truncation, random garbage."""
    body = bytearray(request.body)
    for _ in range(rng.randrange(1, 8)):
        choice = rng.randrange(4)
        if choice == 0 and body:
            body[rng.randrange(len(body))] = rng.randrange(256)
        elif choice == 1:
            body[rng.randrange(len(body) + 1):0] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif choice == 2 and body:
            start = rng.randrange(len(body))
            del body[start:start + rng.randrange(1, 64)]
        else:
            body = body[:rng.randrange(len(body) + 1)]
    set_body(request, bytes(body))


def mutate_message_text(rng, request):
    """Queue messages with odd contents or sizes (the 64 KiB limit, non-base64, control characters)."""
    text = pick(rng, ["", "m" * 65536, "m" * 49152, "\x01\x02", "&lt;&amp;", "]]>", "\u00e9" * 30000,
                      base64.b64encode(b"\x00" * 100).decode()])
    set_body(request, f"<QueueMessage><MessageText>{text}</MessageText></QueueMessage>".encode())


STRUCTURED = [
    (mutate_method, 4), (mutate_path_segment, 10), (mutate_path_form, 4), (mutate_query, 10), (mutate_filter, 20),
    (mutate_blockid, 4), (mutate_header_value, 14), (mutate_headers_shape, 6), (mutate_auth, 4),
    (mutate_xml_body, 6), (mutate_json_body, 10), (mutate_batch_body, 20), (mutate_body_bytes, 8),
    (mutate_message_text, 2),
]


def weighted(rng, table):
    total = sum(weight for _, weight in table)
    point = rng.random() * total
    for item, weight in table:
        point -= weight
        if point < 0:
            return item
    return table[-1][0]


def relevant(mutator, request) -> bool:
    """Keeps body mutators to requests whose kind of body they understand (others still get byte damage)."""
    content_type = (request.header("Content-Type") or "").lower()
    if mutator is mutate_batch_body:
        return "multipart" in content_type
    if mutator is mutate_json_body:
        return request.service == "table"
    if mutator is mutate_filter:
        return request.service == "table" and request.method == "GET"
    if mutator is mutate_message_text:
        return request.service == "queue" and request.method in ("POST", "PUT")
    if mutator is mutate_blockid:
        return request.service == "blob"
    return True


def mutate_structure(rng, request, count: int):
    """Applies `count` structured mutations, each chosen by weight among those that fit the request."""
    for _ in range(count):
        mutator = weighted(rng, STRUCTURED)
        while not relevant(mutator, request):
            mutator = weighted(rng, STRUCTURED)
        mutator(rng, request)
        request.mutations.append(mutator.__name__.removeprefix("mutate_"))


# --- wire ------------------------------------------------------------------------------------------------------

def _split_message(data: bytes):
    end = data.find(b"\r\n\r\n")
    return (data, b"") if end < 0 else (data[:end + 2], data[end + 4:])


def wire_chunked(rng, data: bytes) -> bytes:
    """Re-sends the body with `Transfer-Encoding: chunked`, correctly or abused: bad sizes, overflowing sizes,
    missing CRLFs, extensions, trailers, no terminating chunk, Content-Length alongside."""
    head, body = _split_message(data)
    head = re.sub(rb"(?im)^content-length:[^\r\n]*\r\n", b"", head)
    pieces, position = [], 0
    while position < len(body):
        size = rng.randrange(1, 4096)
        pieces.append(body[position:position + size])
        position += size
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
    abuse = rng.randrange(10)
    if abuse == 0:
        chunks = b"fffffffffffffffff\r\n" + body
    elif abuse == 1:
        chunks = b"zz\r\n" + body + b"\r\n0\r\n\r\n"
    elif abuse == 2:
        chunks = chunks.replace(b"\r\n", b"", 1)
    elif abuse == 3:
        chunks = b"".join(b"%x;ext=%s\r\n%s\r\n" % (len(p), b"e" * 100, p) for p in pieces)
    elif abuse == 4:
        chunks += b"0\r\nx-trailer: " + b"t" * 10000 + b"\r\n\r\n"
    elif abuse == 5:
        pass  # no terminating chunk: the body never ends
    elif abuse == 6:
        chunks = b"1\r\nx\r\n" * 2000
    elif abuse == 7:
        head += b"Content-Length: %d\r\n" % len(body)
    else:
        chunks += b"0\r\n\r\n"
    if abuse not in (4, 5, 6):
        chunks += b"0\r\n\r\n" if not chunks.endswith(b"0\r\n\r\n") else b""
    encoding = pick(rng, [b"chunked", b"chunked", b"Chunked", b"gzip, chunked", b"chunked, identity", b"identity",
                          b" chunked", b"chunked\x00"])
    return head + b"Transfer-Encoding: " + encoding + b"\r\n\r\n" + chunks


def wire_content_length(rng, data: bytes) -> bytes:
    """A Content-Length that lies (body truncated or longer), is duplicated, negative or not a number."""
    head, body = _split_message(data)
    head = re.sub(rb"(?im)^content-length:[^\r\n]*\r\n", b"", head)
    real = len(body)
    value = pick(rng, [b"%d" % (real + rng.randrange(1, 1000)), b"%d" % max(0, real - rng.randrange(1, 50)), b"-1",
                       b"abc", b"99999999999999999999", b"1e3", b"0x10", b"", b"%d, %d" % (real, real + 1),
                       b" %d " % real, b"+%d" % real])
    extra = b"Content-Length: %d\r\n" % (real + 1) if rng.random() < 0.3 else b""
    truncate = rng.random() < 0.3
    return head + b"Content-Length: " + value + b"\r\n" + extra + b"\r\n" + (body[:rng.randrange(real + 1)]
                                                                              if truncate else body)


def wire_head_lines(rng, data: bytes) -> bytes:
    """Header lines HTTP forbids: no colon, space before colon, obs-fold, bare LF or CR, NULs, non-ASCII names."""
    head, body = _split_message(data)
    lines = head.split(b"\r\n")
    index = rng.randrange(1, max(2, len(lines)))
    lines.insert(index, pick(rng, [b"NoColon", b"Bad Name: v", b"x-ms-meta-a : v", b" folded continuation",
                                   b"\tfolded", b"x-ms-a: a\rb", b"x-ms-a: a\nb", b"x-\x00: v", b"\xc3\xa9: v",
                                   b": empty-name", b"x-ms-a:\x00", b"Host: other", b"Host:", b"x" * 100000 + b": v"]))
    if rng.random() < 0.2:
        return b"\n".join(lines) + b"\n" + body
    return b"\r\n".join(lines) + b"\r\n" + body


def wire_request_line(rng, data: bytes) -> bytes:
    """A damaged request line: versions, extra spaces, tabs, missing parts, HTTP/0.9 or 2.0, lowercase."""
    line_end = data.find(b"\r\n")
    method, _, rest = data[:line_end].partition(b" ")
    target = rest.rsplit(b" ", 1)[0]
    line = pick(rng, [method + b" " + target + b" HTTP/1.0", method + b" " + target + b" HTTP/2.0",
                      method + b" " + target + b" HTTP/9.9", method + b" " + target, method + b"  " + target +
                      b"  HTTP/1.1", method + b"\t" + target + b"\tHTTP/1.1", method + b" " + target + b" http/1.1",
                      b" " + method + b" " + target + b" HTTP/1.1", method + b" " + target + b" HTTP/1.1 extra",
                      method + b" " + target.replace(b"/", b"\\") + b" HTTP/1.1",
                      method + b" " + target + b"\x00 HTTP/1.1", method + b" " + target + b"%" + b" HTTP/1.1"])
    return line + data[line_end:]


def wire_truncate(rng, data: bytes) -> bytes:
    """The request cut anywhere: mid request line, mid head, mid body."""
    return data[:rng.randrange(len(data))] if data else data


def wire_flip(rng, data: bytes) -> bytes:
    """Random byte damage to the serialised request (head and body alike)."""
    data = bytearray(data)
    for _ in range(rng.randrange(1, 10)):
        if not data:
            break
        position = rng.randrange(len(data))
        choice = rng.randrange(3)
        if choice == 0:
            data[position] = rng.randrange(256)
        elif choice == 1:
            data[position:position] = bytes([pick(rng, [0, 10, 13, 32, 37, 58, 0xFF])])
        else:
            del data[position:position + rng.randrange(1, 8)]
    return bytes(data)


def wire_garbage(rng, data: bytes) -> bytes:
    """Bytes that are not HTTP at all: random, TLS hello, HTTP/2 preface, or garbage after a valid request."""
    choice = rng.randrange(5)
    if choice == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2048)))
    if choice == 1:
        return b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(rng.randrange(256) for _ in range(64))
    if choice == 2:
        return b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes(rng.randrange(256) for _ in range(40))
    if choice == 3:
        return data + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 512)))
    return b"\r\n" * rng.randrange(1, 5000) + data


def wire_pipeline(rng, data: bytes) -> bytes:
    """The same request several times on one connection, the last one possibly cut (keep-alive and pipelining)."""
    copies = data * rng.randrange(2, 6)
    if not data:
        return data
    return copies[:len(copies) - rng.randrange(len(data))] if rng.random() < 0.5 else copies


def wire_expect(rng, data: bytes) -> bytes:
    """`Expect: 100-continue` (or an unknown expectation) with the body sent anyway or not at all."""
    head, body = _split_message(data)
    expectation = pick(rng, [b"100-continue", b"100-Continue", b"200-ok", b""])
    return head + b"Expect: " + expectation + b"\r\n\r\n" + (body if rng.random() < 0.5 else b"")


WIRE = [
    (wire_chunked, 6), (wire_content_length, 6), (wire_head_lines, 5), (wire_request_line, 3), (wire_truncate, 4),
    (wire_flip, 6), (wire_garbage, 3), (wire_pipeline, 2), (wire_expect, 2),
]


def mutate_wire(rng, data: bytes, mutations: list) -> bytes:
    """Applies one wire mutation (sometimes two) to the serialised request."""
    for _ in range(1 if rng.random() < 0.8 else 2):
        mutator = weighted(rng, WIRE)
        data = mutator(rng, data)
        mutations.append(mutator.__name__)
    return data

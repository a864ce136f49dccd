#!/usr/bin/env python3
"""Signs a table of requests with Microsoft's own Python SDK signing code and writes the
results to signing-vectors.json, which the Swift tests compare against byte for byte.

The SDK is the outside authority: the Swift signer was not derived from these outputs, so a
match means both canonicalize requests the way Azure's own client does. Run it once after
changing the table (the vectors are committed; the tests do not need Python):

    .venv/bin/python Tests/AzureStorageTests/Vectors/make_signing_vectors.py
"""
import json
import os
from datetime import datetime, timezone
from functools import cmp_to_key

from azure.core.credentials import AzureNamedKeyCredential
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.transport import HttpRequest
from azure.storage.blob import BlobClient
from azure.storage.blob._shared import authentication as blob_auth
from azure.storage.blob._shared_access_signature import BlobSharedAccessSignature
from azure.storage.blob._shared.shared_access_signature import SharedAccessSignature
from azure.data.tables import _authentication as table_auth
import azure.storage.blob as blob_pkg
import azure.data.tables as tables_pkg

# A made-up account for host-style (real Azure) URLs, and the published development account.
ACCOUNT = "ironviperdemo"
KEY = "aXJvbnZpcGVyLXNpZ25pbmctdmVjdG9ycy1hcmUtbm90LWEtcmVhbC1rZXktMDEyMzQ1Njc4OQ=="
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
DATE = "Tue, 07 Jan 2025 10:20:30 GMT"
VERSION = "2024-11-04"
TABLE_VERSION = "2019-02-02"
BLOB = f"https://{ACCOUNT}.blob.core.windows.net"
QUEUE = f"https://{ACCOUNT}.queue.core.windows.net"
TABLE = f"https://{ACCOUNT}.table.core.windows.net"
DEV_BLOB = f"http://127.0.0.1:10000/{DEV_ACCOUNT}"
DEV_QUEUE = f"http://127.0.0.1:10001/{DEV_ACCOUNT}"
DEV_TABLE = f"http://127.0.0.1:10002/{DEV_ACCOUNT}"


def ms(extra=None):
    headers = [("x-ms-date", DATE), ("x-ms-version", VERSION)]
    return headers + (extra or [])


# (name, method, url, headers, dev account?)
BLOB_QUEUE_CASES = [
    ("list containers", "GET", f"{BLOB}/?comp=list", ms(), False),
    ("create container, zero length", "PUT", f"{BLOB}/photos?restype=container",
     ms([("content-length", "0")]), False),
    ("put blob with md5, metadata, tier, if-none-match", "PUT",
     f"{BLOB}/file-store/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
     [("content-length", "1048576"), ("content-md5", "CY9rzUYh03PK3k6DJie09g=="),
      ("content-type", "application/octet-stream"), ("if-none-match", "*")]
     + ms([("x-ms-blob-type", "BlockBlob"), ("x-ms-blob-content-type", "image/jpeg"),
           ("x-ms-meta-path", "2024/summer/IMG_0001.JPG"), ("x-ms-meta-mtime", "1720000000"),
           ("x-ms-access-tier", "Cool"), ("x-ms-client-request-id", "0b7d0f64-1c2e-4d3e-9a0b-6f4e2d1c0a99")]),
     False),
    ("put block with encoded block id", "PUT",
     f"{BLOB}/file-store/big?comp=block&blockid=MDAwMDAxLWQ0MWQ4Y2Q5OGYwMGIyMDRlOTgwMDk5OGVjZjg0Mjdl",
     [("content-length", "8388608"), ("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==")] + ms(), False),
    ("put block id with + / =", "PUT",
     f"{BLOB}/file-store/big?comp=block&blockid=YWI%2BPz8%2FPw%3D%3D",
     [("content-length", "4")] + ms(), False),
    ("put block list", "PUT", f"{BLOB}/file-store/big?comp=blocklist",
     [("content-length", "182"), ("content-type", "application/xml; charset=utf-8")]
     + ms([("x-ms-blob-content-md5", "kAFQmDzST7DWlj99KOF/cg=="), ("x-ms-blob-content-type", "image/x-canon-cr2")]),
     False),
    ("ranged get with range md5", "GET", f"{BLOB}/file-store/big",
     ms([("x-ms-range", "bytes=8388608-16777215"), ("x-ms-range-get-content-md5", "true")]), False),
    ("head properties, no body", "HEAD", f"{BLOB}/file-store/big", ms(), False),
    ("delete with snapshots", "DELETE", f"{BLOB}/file-store/big", ms([("x-ms-delete-snapshots", "include")]), False),
    ("unicode path", "GET",
     BlobClient(BLOB, "photos", "Été 2024/Ünïcødé 写真 #1?.jpg").url, ms(), False),
    ("query with encoded values, sorted", "GET",
     f"{BLOB}/pv-store?restype=container&comp=list&prefix=2024%2F%C3%A4%20b&marker=2%2162%21MDAwMDM&"
     "maxresults=5000&include=metadata%2Csnapshots", ms(), False),
    ("header order: underscores, digits, hyphens", "PUT", f"{BLOB}/c/b",
     [("content-length", "3")]
     + ms([("x-ms-meta-a_b", "1"), ("x-ms-meta-a1", "2"), ("x-ms-meta-ab", "3"), ("x-ms-meta-aa", "4"),
           ("x-ms-meta-z", "5"), ("x-ms-blob-type", "BlockBlob"), ("x-ms-blob-content-md5", "x"),
           ("x-ms-blobx", "6")]), False),
    ("conditional headers", "GET", f"{BLOB}/c/b",
     [("if-match", '"0x8DCF1A2B3C4D5E6"'), ("if-modified-since", "Mon, 06 Jan 2025 00:00:00 GMT"),
      ("if-unmodified-since", "Wed, 08 Jan 2025 00:00:00 GMT")] + ms(), False),
    ("content encoding and language", "PUT", f"{BLOB}/c/b.txt.gz",
     [("content-length", "20"), ("content-encoding", "gzip"), ("content-language", "fr-CA"),
      ("content-type", "text/plain; charset=utf-8")]
     + ms([("x-ms-blob-type", "BlockBlob"), ("x-ms-blob-cache-control", "max-age=3600")]), False),
    ("set tier", "PUT", f"{BLOB}/file-store/abc?comp=tier", [("content-length", "0")]
     + ms([("x-ms-access-tier", "Archive")]), False),
    ("copy with source url", "PUT", f"{BLOB}/file-store/copy",
     [("content-length", "0")] + ms([("x-ms-copy-source", f"{BLOB}/file-store/abc?snapshot=2025-01-07T10%3A00%3A00.0000000Z")]),
     False),
    ("emulator path style", "PUT", f"{DEV_BLOB}/file-store/abc",
     [("content-length", "11"), ("content-md5", "XrY7u+Ae7tCTyyK7j1rNww==")]
     + ms([("x-ms-blob-type", "BlockBlob")]), True),
    ("emulator list with empty marker", "GET", f"{DEV_BLOB}/pv-store?restype=container&comp=list&marker=", ms(), True),
    ("queue put message", "POST", f"{DEV_QUEUE}/extract-queue/messages?visibilitytimeout=0&messagettl=-1",
     [("content-length", "76"), ("content-type", "application/xml")] + ms(), True),
    ("queue get messages", "GET", f"{QUEUE}/extract-queue/messages?numofmessages=32&visibilitytimeout=30", ms(),
     False),
    ("queue delete message with encoded pop receipt", "DELETE",
     f"{QUEUE}/extract-queue/messages/5b2a1c3d-0000-4000-8000-000000000001?popreceipt=AgAAAAMAAAAAAAAA%2BbZ%2Bz%2F%3D%3D",
     ms(), False),
    ("queue update message", "PUT",
     f"{QUEUE}/extract-queue/messages/5b2a1c3d-0000-4000-8000-000000000001?popreceipt=AgAAAA&visibilitytimeout=60",
     [("content-length", "0")] + ms(), False),
]

TABLE_JSON = "application/json"
TABLE_HEADERS = [("x-ms-date", DATE), ("x-ms-version", TABLE_VERSION), ("dataserviceversion", "3.0"),
                 ("accept", "application/json;odata=minimalmetadata")]
TABLE_CASES = [
    ("create table", "POST", f"{TABLE}/Tables", [("content-type", TABLE_JSON), ("content-length", "22")]
     + TABLE_HEADERS, False),
    ("delete table", "DELETE", f"{TABLE}/Tables('files')", TABLE_HEADERS, False),
    ("query with continuation", "GET",
     f"{TABLE}/files()?$filter=PartitionKey%20eq%20%27photos%27&$top=1000&NextPartitionKey=1%218%21cGhvdG9z"
     "&NextRowKey=1%2112%21MjAyNA--", TABLE_HEADERS, False),
    ("replace entity with unicode row key", "PUT",
     f"{TABLE}/files(PartitionKey='photos',RowKey='2024%252Fete%20%C3%A9%27%27s.jpg')",
     [("content-type", TABLE_JSON), ("content-length", "120"), ("if-match", "*")] + TABLE_HEADERS, False),
    ("merge entity", "MERGE", f"{TABLE}/files(PartitionKey='photos',RowKey='a')",
     [("content-type", TABLE_JSON), ("content-length", "40"), ("if-match", 'W/"datetime\'2025-01-07T10%3A20%3A30.1234567Z\'"')]
     + TABLE_HEADERS, False),
    ("delete entity", "DELETE", f"{TABLE}/files(PartitionKey='photos',RowKey='a')", [("if-match", "*")]
     + TABLE_HEADERS, False),
    ("batch", "POST", f"{TABLE}/$batch",
     [("content-type", "multipart/mixed; boundary=batch_2f3c"), ("content-length", "900")] + TABLE_HEADERS, False),
    ("table acl with comp", "GET", f"{TABLE}/files?comp=acl", TABLE_HEADERS, False),
    ("emulator path style entity", "GET", f"{DEV_TABLE}/files(PartitionKey='a',RowKey='b')", TABLE_HEADERS, True),
    ("content-md5 signed", "POST", f"{DEV_TABLE}/files",
     [("content-type", TABLE_JSON), ("content-md5", "Q2hlY2sgSW50ZWdyaXR5IQ=="), ("content-length", "99")]
     + TABLE_HEADERS, True),
]

HEADER_NAMES = [
    "x-ms-version", "x-ms-date", "x-ms-meta-a_b", "x-ms-meta-a1", "x-ms-meta-ab", "x-ms-meta-aa", "x-ms-meta-a",
    "x-ms-meta-a-b", "x-ms-meta-z", "x-ms-meta-_", "x-ms-meta-0", "x-ms-meta-9z", "x-ms-blob-type",
    "x-ms-blob-content-md5", "x-ms-blobx", "x-ms-blob-content-type", "x-ms-range", "x-ms-range-get-content-md5",
    "x-ms-client-request-id", "x-ms-access-tier", "x-ms-copy-source", "x-ms-copy-source-authorization",
    "x-ms-meta-path", "x-ms-meta-pathmtime", "x-ms-meta-path_mtime", "x-ms-lease-id", "x-ms-if-tags",
]


def sign(policy_factory, method, url, headers, capture):
    request = HttpRequest(method, url, headers=dict(headers))
    policy = policy_factory()
    original = policy._add_authorization_header

    def hook(http_request, string_to_sign):  # table form passes the http request, blob form the pipeline request
        capture.append(string_to_sign)
        original(http_request, string_to_sign)

    policy._add_authorization_header = hook
    policy.on_request(PipelineRequest(request, PipelineContext(None)))
    return request.headers["Authorization"]


def shared_key_vectors():
    vectors = []
    for name, method, url, headers, dev in BLOB_QUEUE_CASES:
        account, key = (DEV_ACCOUNT, DEV_KEY) if dev else (ACCOUNT, KEY)
        captured = []
        auth = sign(lambda: blob_auth.SharedKeyCredentialPolicy(account, key), method, url, headers, captured)
        vectors.append({"name": name, "form": "blobQueue", "account": account, "key": key, "method": method,
                        "url": url, "headers": headers, "stringToSign": captured[0], "authorization": auth})
    for name, method, url, headers, dev in TABLE_CASES:
        account, key = (DEV_ACCOUNT, DEV_KEY) if dev else (ACCOUNT, KEY)
        captured = []
        credential = AzureNamedKeyCredential(account, key)
        auth = sign(lambda: table_auth.SharedKeyCredentialPolicy(credential), method, url, headers, captured)
        vectors.append({"name": name, "form": "table", "account": account, "key": key, "method": method,
                        "url": url, "headers": headers, "stringToSign": captured[0], "authorization": auth})
    return vectors


def utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def sas_vectors():
    vectors = []
    blob_cases = [
        ("read link", "photos", "2024/IMG_0001.JPG", dict(permission="r", expiry=utc("2030-01-01T00:00:00Z"))),
        ("read link with start, ip, https", "pv-store", "9f86d0/800.jpg",
         dict(permission="r", start=utc("2025-01-07T10:00:00Z"), expiry=utc("2025-01-14T10:00:00Z"),
              ip="168.1.5.60-168.1.5.70", protocol="https")),
        ("download as attachment", "file-store", "9f86d081",
         dict(permission="r", expiry=utc("2026-06-30T12:34:56Z"),
              content_disposition='attachment; filename="IMG 0001.JPG"', content_type="image/jpeg",
              cache_control="private, max-age=60")),
        ("unicode blob name", "photos", "Été/写真 1.jpg", dict(permission="rw", expiry=utc("2030-01-01T00:00:00Z"))),
        ("stored policy", "photos", "a.jpg", dict(policy_id="share-2025")),
    ]
    for name, container, blob, kwargs in blob_cases:
        generator = BlobSharedAccessSignature(ACCOUNT, KEY)
        generator.x_ms_version = VERSION
        captured = []
        token = generator.generate_blob(container, blob, sts_hook=captured.append, **kwargs)
        vectors.append({"name": name, "kind": "blob", "container": container, "blob": blob,
                        "args": {k: (v.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(v, datetime) else v)
                                 for k, v in kwargs.items()},
                        "stringToSign": captured[0], "token": token})
    generator = BlobSharedAccessSignature(ACCOUNT, KEY)
    generator.x_ms_version = VERSION
    captured = []
    token = generator.generate_container("photos", permission="rl", expiry=utc("2030-01-01T00:00:00Z"),
                                         sts_hook=captured.append)
    vectors.append({"name": "container list", "kind": "container", "container": "photos", "blob": None,
                    "args": {"permission": "rl", "expiry": "2030-01-01T00:00:00Z"}, "stringToSign": captured[0],
                    "token": token})
    captured = []
    token = SharedAccessSignature(ACCOUNT, KEY, x_ms_version=VERSION).generate_account(
        "bqt", "sco", "rwdlacup", utc("2030-01-01T00:00:00Z"), start=utc("2025-01-01T00:00:00Z"),
        protocol="https", sts_hook=captured.append)
    vectors.append({"name": "account", "kind": "account", "container": None, "blob": None,
                    "args": {"services": "bqt", "resource_types": "sco", "permission": "rwdlacup",
                             "expiry": "2030-01-01T00:00:00Z", "start": "2025-01-01T00:00:00Z", "protocol": "https"},
                    "stringToSign": captured[0], "token": token})
    return vectors


def url_vectors():
    names = [("photos", "plain.jpg"), ("photos", "2024/summer/IMG 0001.JPG"), ("photos", "Été 2024/写真.jpg"),
             ("photos", "odd #?%&+=;,:@!$'()*[]~_.-name"), ("photos", "tab\tand\nnewline"),
             ("pv-store", "9f86d081/sq100.jpg")]
    return [{"container": c, "blob": b, "url": BlobClient(BLOB, c, b).url} for c, b in names]


def main():
    sorted_names = sorted(HEADER_NAMES, key=cmp_to_key(blob_auth.compare))
    document = {
        "generator": "Tests/AzureStorageTests/Vectors/make_signing_vectors.py",
        "sdk": {"azure-storage-blob": blob_pkg.__version__, "azure-data-tables": tables_pkg.__version__},
        "blobEndpoint": BLOB,
        "sharedKey": shared_key_vectors(),
        "headerOrder": {"input": HEADER_NAMES, "sorted": sorted_names},
        "sas": {"account": ACCOUNT, "key": KEY, "version": VERSION, "vectors": sas_vectors()},
        "urls": url_vectors(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "signing-vectors.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=1, ensure_ascii=False)
        out.write("\n")
    print(f"wrote {len(document['sharedKey'])} SharedKey, {len(document['sas']['vectors'])} SAS and "
          f"{len(document['urls'])} URL vectors to {path}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the authentication vectors the emulator's Swift tests check against.

Every signature here comes from Microsoft's own Python SDKs, so the emulator is judged by
code nobody on this project wrote:

* SharedKey requests are signed by the SDKs' `SharedKeyCredentialPolicy` (azure-storage-blob,
  azure-storage-queue, azure-data-tables), either on hand-built requests with odd headers and
  paths, or captured from the real clients (upload_blob, send_message, create_entity...) by a
  transport that records the request instead of sending it.
* SAS tokens come from `generate_account_sas`, `generate_blob_sas`, `generate_container_sas`,
  `generate_queue_sas` and `generate_table_sas` with fixed start/expiry dates.

A few cases the SDKs cannot express (SharedKeyLite, a repeated query parameter, SAS versions
older than the SDKs send) are built from the documented string-to-sign and signed with the
SDK's `sign_string`; their `source` says "documented rule".

Run from the repository root after `scripts/setup`:
    .venv/bin/python emulator/Tests/StorageEmulatorTests/Fixtures/auth/make_vectors.py
The output is deterministic (fixed dates, keys and request ids), so re-running it changes
nothing unless an SDK changes what it signs.
"""

import base64
import hashlib
import json
import os
import types
from datetime import datetime, timezone
from importlib.metadata import version
from urllib.parse import quote, urlparse

import azure.core.pipeline.policies._universal as core_universal
import azure.data.tables._authentication as table_auth
import azure.data.tables._policies as table_policies
import azure.storage.blob._shared.authentication as blob_auth
import azure.storage.blob._shared.policies as blob_policies
import azure.storage.queue._shared.authentication as queue_auth
import azure.storage.queue._shared.policies as queue_policies
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.transport import HttpRequest, HttpTransport
from azure.data.tables import (
    TableClient,
    TableServiceClient,
    TableSasPermissions,
    generate_table_sas,
)
from azure.data.tables import AccountSasPermissions as TableAccountSasPermissions
from azure.data.tables import ResourceTypes as TableResourceTypes
from azure.data.tables import generate_account_sas as generate_table_account_sas
from azure.storage.blob import (
    AccountSasPermissions,
    BlobClient,
    BlobSasPermissions,
    BlobServiceClient,
    ContainerClient,
    ContainerSasPermissions,
    ResourceTypes,
    generate_account_sas,
    generate_blob_sas,
    generate_container_sas,
)
from azure.storage.blob._shared import sign_string
from azure.storage.queue import QueueClient, QueueSasPermissions, generate_queue_sas
from azure.storage.queue import generate_account_sas as generate_queue_account_sas

HERE = os.path.dirname(os.path.abspath(__file__))

DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# A second account with two keys, as AZURITE_ACCOUNTS="account2:KEY1:KEY2" would declare it.
ACCOUNT2 = "account2"
ACCOUNT2_KEY1 = base64.b64encode(hashlib.sha512(b"ironviper account2 key1").digest()).decode()
ACCOUNT2_KEY2 = base64.b64encode(hashlib.sha512(b"ironviper account2 key2").digest()).decode()
# A key the emulator does not know: requests signed with it must be refused.
STRANGER_KEY = base64.b64encode(hashlib.sha512(b"not a key of any account").digest()).decode()

FIXED_DATE = "Sun, 15 Jun 2025 12:00:00 GMT"
FIXED_EPOCH = datetime(2025, 6, 15, 12, 0, 0, tzinfo=timezone.utc).timestamp()
FIXED_REQUEST_ID = "00000000-0000-4000-8000-000000000001"

SAS_START = datetime(2025, 1, 1, 0, 0, 0, tzinfo=timezone.utc)
SAS_EXPIRY = datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
SAS_NOW = "2025-06-15T12:00:00Z"

BLOB = "http://127.0.0.1:10000"
QUEUE = "http://127.0.0.1:10001"
TABLE = "http://127.0.0.1:10002"

# The SDKs stamp x-ms-date and a random request id on every request; fix both so the
# vectors are stable.
_fixed_time = lambda: FIXED_EPOCH  # noqa: E731
_fixed_uuid = types.SimpleNamespace(uuid1=lambda: FIXED_REQUEST_ID, uuid4=lambda: FIXED_REQUEST_ID)
blob_policies.time = _fixed_time
queue_policies.time = _fixed_time
table_policies.time = types.SimpleNamespace(time=_fixed_time)
blob_policies.uuid = _fixed_uuid
queue_policies.uuid = _fixed_uuid
core_universal.uuid = _fixed_uuid

# Record the string-to-sign each policy builds, keyed by the HTTP request it signs.
STRINGS_TO_SIGN = {}


def _recording(original, table_style):
    def wrapped(self, request, string_to_sign):
        http_request = request if table_style else request.http_request
        STRINGS_TO_SIGN[id(http_request)] = string_to_sign
        return original(self, request, string_to_sign)

    return wrapped


blob_auth.SharedKeyCredentialPolicy._add_authorization_header = _recording(
    blob_auth.SharedKeyCredentialPolicy._add_authorization_header, False)
queue_auth.SharedKeyCredentialPolicy._add_authorization_header = _recording(
    queue_auth.SharedKeyCredentialPolicy._add_authorization_header, False)
table_auth.SharedKeyCredentialPolicy._add_authorization_header = _recording(
    table_auth.SharedKeyCredentialPolicy._add_authorization_header, True)


class Captured(Exception):
    """Raised by the capturing transport once it holds the signed request."""


class CaptureTransport(HttpTransport):
    """A transport that keeps the fully signed request and never touches the network."""

    def __init__(self):
        self.requests = []

    def __enter__(self):
        return self

    def __exit__(self, *args):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send(self, request, **kwargs):
        self.requests.append(request)
        raise Captured()


def target_of(url):
    parsed = urlparse(url)
    return parsed.path + ("?" + parsed.query if parsed.query else "")


def vector(name, service, http_request, source, account, **extra):
    # User-Agent names the machine that ran this script; it is never signed, so leave it out.
    headers = [[k, v] for k, v in http_request.headers.items() if k.lower() not in ("authorization", "user-agent")]
    out = {
        "name": name,
        "source": source,
        "service": service,
        "account": account,
        "method": http_request.method,
        "target": target_of(http_request.url),
        "headers": headers,
        "authorization": http_request.headers["Authorization"],
        "stringToSign": STRINGS_TO_SIGN.get(id(http_request)),
    }
    out.update(extra)
    return out


# ---------------------------------------------------------------- SharedKey, hand-built requests


def sign_with_policy(service, method, url, headers, account=DEV_ACCOUNT, key=DEV_KEY):
    request = HttpRequest(method, url, headers=dict(headers))
    if service == "table":
        policy = table_auth.SharedKeyCredentialPolicy(AzureNamedKeyCredential(account, key))
    elif service == "queue":
        policy = queue_auth.SharedKeyCredentialPolicy(account, key)
    else:
        policy = blob_auth.SharedKeyCredentialPolicy(account, key)
    policy.on_request(PipelineRequest(request, PipelineContext(None)))
    return request


def blob_url(account, container, blob=None, query=""):
    path = f"{BLOB}/{account}/{quote(container)}"
    if blob is not None:
        path += "/" + quote(blob, safe="~/")
    return path + (("?" + query) if query else "")


def base_headers(**more):
    headers = {"x-ms-date": FIXED_DATE, "x-ms-version": "2026-06-06"}
    headers.update(more)
    return headers


def policy_vectors():
    out = []
    src_blob = "azure-storage-blob SharedKeyCredentialPolicy"
    src_queue = "azure-storage-queue SharedKeyCredentialPolicy"
    src_table = "azure-data-tables SharedKeyCredentialPolicy"

    def add(name, service, method, url, headers, source, account=DEV_ACCOUNT, key=DEV_KEY, **extra):
        request = sign_with_policy(service, method, url, headers, account, key)
        out.append(vector(name, service, request, source, account, **extra))

    add("blob: service properties, path is only the account", "blob", "GET",
        f"{BLOB}/{DEV_ACCOUNT}/?restype=service&comp=properties", base_headers(), src_blob)
    add("blob: list containers with an encoded prefix", "blob", "GET",
        f"{BLOB}/{DEV_ACCOUNT}/?comp=list&prefix={quote('pv-ü/ä b')}&maxresults=5&include=metadata",
        base_headers(), src_blob)
    add("blob: create container, empty body with Content-Length 0", "blob", "PUT",
        blob_url(DEV_ACCOUNT, "file-store", query="restype=container"),
        base_headers(**{"Content-Length": "0", "x-ms-meta-owner": "ironviper"}), src_blob)
    add("blob: put blob with every standard header", "blob", "PUT",
        blob_url(DEV_ACCOUNT, "file-store", "0a1b2c3d"),
        base_headers(**{
            "Content-Length": "1048576", "Content-Type": "image/jpeg", "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==",
            "Content-Encoding": "identity", "Content-Language": "en-GB", "x-ms-blob-type": "BlockBlob",
            "If-Match": "\"0x8DCAFEBABE\"", "If-None-Match": "*",
            "If-Modified-Since": "Sat, 01 Jun 2024 00:00:00 GMT", "If-Unmodified-Since": "Sun, 01 Jun 2025 00:00:00 GMT",
            "x-ms-blob-content-type": "image/jpeg", "x-ms-blob-cache-control": "max-age=31536000",
        }), src_blob)
    add("blob: unicode blob name (accents, CJK, emoji)", "blob", "PUT",
        blob_url(DEV_ACCOUNT, "pv-store", "Fotos/Überraschung 日本 🌄/800.jpg"),
        base_headers(**{"Content-Length": "42", "Content-Type": "image/jpeg", "x-ms-blob-type": "BlockBlob"}), src_blob)
    add("blob: odd characters in the blob name", "blob", "GET",
        blob_url(DEV_ACCOUNT, "file-store", "a b/!'()*;:@&=+$,#[]%~-_.txt"),
        base_headers(), src_blob)
    add("blob: empty path segment and trailing slash in blob name", "blob", "HEAD",
        blob_url(DEV_ACCOUNT, "file-store", "dir//file/"), base_headers(), src_blob)
    add("blob: metadata names whose order differs from plain ASCII", "blob", "PUT",
        blob_url(DEV_ACCOUNT, "file-store", "meta", query="comp=metadata"),
        base_headers(**{
            "Content-Length": "0", "x-ms-meta-a-c": "1", "x-ms-meta-ab": "2", "x-ms-meta-a_1": "3",
            "x-ms-meta-a1": "4", "x-ms-meta-A2": "5", "x-ms-meta-camera_make": "Fujifilm",
            "x-ms-meta-camera-model": "X-T5", "x-ms-meta-cameramodel": "x",
        }), src_blob)
    add("blob: header values with inner spaces, commas and unicode", "blob", "PUT",
        blob_url(DEV_ACCOUNT, "file-store", "values", query="comp=metadata"),
        base_headers(**{
            "x-ms-meta-path": "Holiday  2024/IMG 0001.jpg", "x-ms-meta-list": "a,b , c",
            "x-ms-meta-empty": "", "x-ms-meta-quote": "\"quoted\" 'value'",
        }), src_blob)
    add("blob: query values with spaces, slashes, plus and unicode", "blob", "GET",
        blob_url(DEV_ACCOUNT, "pv-store", query=(
            f"restype=container&comp=list&prefix={quote('a b/ü+c', safe='')}&delimiter=%2F"
            f"&marker={quote('2!48!MDAwMDE=', safe='')}&include=snapshots%2Cmetadata")),
        base_headers(), src_blob)
    add("blob: Date header instead of x-ms-date", "blob", "GET",
        blob_url(DEV_ACCOUNT, "file-store", "d"),
        {"Date": FIXED_DATE, "x-ms-version": "2026-06-06"}, src_blob)
    add("blob: delete with lease and snapshots headers", "blob", "DELETE",
        blob_url(DEV_ACCOUNT, "file-store", "x"),
        base_headers(**{"x-ms-lease-id": "f8a1c2d4-0000-4000-8000-000000000000", "x-ms-delete-snapshots": "include"}),
        src_blob)
    add("blob: snapshot query parameter", "blob", "GET",
        blob_url(DEV_ACCOUNT, "file-store", "x", query="snapshot=2025-06-15T12%3A00%3A00.1234567Z"),
        base_headers(**{"x-ms-range": "bytes=0-1023"}), src_blob)
    add("blob: account2 signed with its primary key", "blob", "GET",
        blob_url(ACCOUNT2, "c2", "k1.txt"), base_headers(), src_blob, ACCOUNT2, ACCOUNT2_KEY1)
    add("blob: account2 signed with its secondary key", "blob", "GET",
        blob_url(ACCOUNT2, "c2", "k2.txt"), base_headers(), src_blob, ACCOUNT2, ACCOUNT2_KEY2)
    add("blob: signed with a key no account has", "blob", "GET",
        blob_url(DEV_ACCOUNT, "file-store", "x"), base_headers(), src_blob, DEV_ACCOUNT, STRANGER_KEY,
        expectError={"status": 403, "code": "AuthenticationFailed"})

    add("queue: create queue with metadata", "queue", "PUT", f"{QUEUE}/{DEV_ACCOUNT}/extract-queue",
        base_headers(**{"Content-Length": "0", "x-ms-meta-purpose": "renditions"}), src_queue)
    add("queue: put message", "queue", "POST",
        f"{QUEUE}/{DEV_ACCOUNT}/extract-queue/messages?visibilitytimeout=0&messagettl=604800",
        base_headers(**{"Content-Length": "86", "Content-Type": "application/xml"}), src_queue)
    add("queue: delete message with pop receipt", "queue", "DELETE",
        f"{QUEUE}/{DEV_ACCOUNT}/extract-queue/messages/0f7e1c50-0000?popreceipt={quote('AgAAAAMAAAAAAAAA+z/Q==', safe='')}",
        base_headers(), src_queue)
    add("queue: account2 secondary key", "queue", "GET", f"{QUEUE}/{ACCOUNT2}/q2?comp=metadata",
        base_headers(), src_queue, ACCOUNT2, ACCOUNT2_KEY2)

    FILTER = "PartitionKey eq 'a b'"
    table_headers = {
        "x-ms-date": FIXED_DATE, "x-ms-version": "2019-02-02", "DataServiceVersion": "3.0",
        "Accept": "application/json;odata=minimalmetadata",
    }
    add("table: create table", "table", "POST", f"{TABLE}/{DEV_ACCOUNT}/Tables",
        dict(table_headers, **{"Content-Type": "application/json;odata=nometadata", "Content-Length": "23"}), src_table)
    add("table: get entity with unicode keys", "table", "GET",
        f"{TABLE}/{DEV_ACCOUNT}/files(PartitionKey='{quote('Fotos ü', safe='')}',RowKey='{quote('2024/IMG 1.jpg', safe='')}')",
        table_headers, src_table)
    add("table: query with filter, select and top (only comp is signed)", "table", "GET",
        f"{TABLE}/{DEV_ACCOUNT}/files()?$filter={quote(FILTER, safe='')}&$select=sha256&$top=10",
        table_headers, src_table)
    add("table: merge entity with If-Match", "table", "MERGE",
        f"{TABLE}/{DEV_ACCOUNT}/files(PartitionKey='lib',RowKey='a.jpg')",
        dict(table_headers, **{"Content-Type": "application/json", "Content-Length": "120",
                               "If-Match": "W/\"datetime'2025-06-15T12%3A00%3A00.0000000Z'\""}), src_table)
    add("table: get table ACL (comp is part of the resource)", "table", "GET",
        f"{TABLE}/{DEV_ACCOUNT}/files?comp=acl", table_headers, src_table)
    add("table: account2 secondary key", "table", "DELETE", f"{TABLE}/{ACCOUNT2}/Tables('history')",
        table_headers, src_table, ACCOUNT2, ACCOUNT2_KEY2)
    add("table: Content-MD5 and Content-Type are signed", "table", "PUT",
        f"{TABLE}/{DEV_ACCOUNT}/files(PartitionKey='p',RowKey='r')",
        dict(table_headers, **{"Content-Type": "application/json", "Content-MD5": "CY9rzUYh03PK3k6DJie09g=="}),
        src_table)
    return out


# ------------------------------------------------------------------ SharedKey, real client calls


def capture(call):
    """Runs one client call against the capturing transport and returns the signed request."""
    transport = CaptureTransport()
    try:
        call(transport)
    except Captured:
        pass
    return transport.requests[0].http_request if hasattr(transport.requests[0], "http_request") else transport.requests[0]


def client_vectors():
    blob_credential = {"account_name": DEV_ACCOUNT, "account_key": DEV_KEY}
    table_credential = AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY)
    src = "captured from the SDK client"
    cases = [
        ("client: BlobClient.upload_blob with metadata", "blob", lambda t: BlobClient(
            f"{BLOB}/{DEV_ACCOUNT}", "file-store", "Fotos/Ünïcode 🌄.jpg", credential=blob_credential, transport=t
        ).upload_blob(b"hello world", metadata={"path": "Fotos/x.jpg", "mtime": "1718452800"}, overwrite=True)),
        ("client: BlobClient.upload_blob of an empty blob", "blob", lambda t: BlobClient(
            f"{BLOB}/{DEV_ACCOUNT}", "file-store", "empty", credential=blob_credential, transport=t
        ).upload_blob(b"", overwrite=True)),
        ("client: ContainerClient.create_container", "blob", lambda t: ContainerClient(
            f"{BLOB}/{DEV_ACCOUNT}", "pv-store", credential=blob_credential, transport=t).create_container()),
        ("client: BlobServiceClient.list_containers", "blob", lambda t: list(BlobServiceClient(
            f"{BLOB}/{DEV_ACCOUNT}", credential=blob_credential, transport=t
        ).list_containers(name_starts_with="pv", include_metadata=True))),
        ("client: BlobClient.download_blob range", "blob", lambda t: BlobClient(
            f"{BLOB}/{DEV_ACCOUNT}", "file-store", "a b", credential=blob_credential, transport=t
        ).download_blob(offset=10, length=100)),
        ("client: QueueClient.send_message", "queue", lambda t: QueueClient(
            f"{QUEUE}/{DEV_ACCOUNT}", "extract-queue", credential=blob_credential, transport=t
        ).send_message("0a1b2c3d")),
        ("client: TableServiceClient.create_table", "table", lambda t: TableServiceClient(
            f"{TABLE}/{DEV_ACCOUNT}", credential=table_credential, transport=t).create_table("files")),
        ("client: TableClient.upsert_entity with unicode keys", "table", lambda t: TableClient(
            f"{TABLE}/{DEV_ACCOUNT}", "files", credential=table_credential, transport=t
        ).upsert_entity({"PartitionKey": "Fotos ü", "RowKey": "2024%2FIMG 1.jpg", "size": 12})),
        ("client: TableClient.query_entities", "table", lambda t: list(TableClient(
            f"{TABLE}/{DEV_ACCOUNT}", "files", credential=table_credential, transport=t
        ).query_entities("PartitionKey eq 'lib'", select=["sha256"]))),
    ]
    return [vector(name, service, capture(call), src, DEV_ACCOUNT) for name, service, call in cases]


# ----------------------------------------------------------- SharedKey, documented-rule vectors


def documented(name, service, method, url, headers, string_to_sign, account=DEV_ACCOUNT, key=DEV_KEY,
               scheme="SharedKey", **extra):
    request = HttpRequest(method, url, headers=dict(headers))
    request.headers["Authorization"] = f"{scheme} {account}:{sign_string(key, string_to_sign)}"
    STRINGS_TO_SIGN[id(request)] = string_to_sign
    return vector(name, service, request, "documented rule, signed with azure-storage-blob sign_string", account,
                  **extra)


def documented_vectors():
    out = []
    # A repeated query parameter: the SDK's query dict keeps only one value, but Azure's rule sorts
    # the values and joins them with commas.
    url = f"{BLOB}/{DEV_ACCOUNT}/pv-store?restype=container&comp=list&include=snapshots&include=metadata"
    sts = ("GET\n\n\n\n\n\n\n\n\n\n\n\n"
           f"x-ms-date:{FIXED_DATE}\nx-ms-version:2026-06-06\n"
           f"/{DEV_ACCOUNT}/{DEV_ACCOUNT}/pv-store\ncomp:list\ninclude:metadata,snapshots\nrestype:container")
    out.append(documented("blob: repeated query parameter", "blob", "GET", url, base_headers(), sts))
    # Query parameter names are lowercased in the canonicalized resource.
    url = f"{BLOB}/{DEV_ACCOUNT}/pv-store?RESTYPE=container&Comp=acl"
    sts = ("GET\n\n\n\n\n\n\n\n\n\n\n\n"
           f"x-ms-date:{FIXED_DATE}\nx-ms-version:2026-06-06\n"
           f"/{DEV_ACCOUNT}/{DEV_ACCOUNT}/pv-store\ncomp:acl\nrestype:container")
    out.append(documented("blob: upper-case query parameter names", "blob", "GET", url, base_headers(), sts))
    # An explicit Range header (the Python SDK sends x-ms-range instead) fills the Range line.
    url = f"{BLOB}/{DEV_ACCOUNT}/file-store/big"
    headers = base_headers(Range="bytes=0-99")
    sts = ("GET\n\n\n\n\n\n\n\n\n\n\nbytes=0-99\n"
           f"x-ms-date:{FIXED_DATE}\nx-ms-version:2026-06-06\n/{DEV_ACCOUNT}/{DEV_ACCOUNT}/file-store/big")
    out.append(documented("blob: standard Range header", "blob", "GET", url, headers, sts))
    # SharedKeyLite for Blob and Queue: verb, Content-MD5, Content-Type, Date, x-ms- headers, resource + ?comp.
    url = f"{BLOB}/{DEV_ACCOUNT}/file-store/lite%20blob.jpg?comp=metadata&timeout=30"
    headers = base_headers(**{"Content-Type": "image/jpeg", "x-ms-meta-a": "1"})
    sts = ("PUT\n\nimage/jpeg\n\n"
           f"x-ms-date:{FIXED_DATE}\nx-ms-meta-a:1\nx-ms-version:2026-06-06\n"
           f"/{DEV_ACCOUNT}/{DEV_ACCOUNT}/file-store/lite%20blob.jpg?comp=metadata")
    out.append(documented("blob: SharedKeyLite", "blob", "PUT", url, headers, sts, scheme="SharedKeyLite"))
    url = f"{QUEUE}/{DEV_ACCOUNT}/extract-queue/messages?numofmessages=4"
    sts = ("GET\n\n\n\n"
           f"x-ms-date:{FIXED_DATE}\nx-ms-version:2026-06-06\n/{DEV_ACCOUNT}/{DEV_ACCOUNT}/extract-queue/messages")
    out.append(documented("queue: SharedKeyLite", "queue", "GET", url, base_headers(), sts, scheme="SharedKeyLite"))
    # SharedKeyLite for Table: Date (x-ms-date when present) and the resource with ?comp.
    url = f"{TABLE}/{DEV_ACCOUNT}/files?comp=acl"
    sts = f"{FIXED_DATE}\n/{DEV_ACCOUNT}/{DEV_ACCOUNT}/files?comp=acl"
    out.append(documented("table: SharedKeyLite", "table", "GET", url,
                          {"x-ms-date": FIXED_DATE, "x-ms-version": "2019-02-02"}, sts, scheme="SharedKeyLite"))
    url = f"{TABLE}/{DEV_ACCOUNT}/files(PartitionKey='a',RowKey='b')"
    sts = f"{FIXED_DATE}\n/{DEV_ACCOUNT}/{DEV_ACCOUNT}/files(PartitionKey='a',RowKey='b')"
    out.append(documented("table: SharedKeyLite with the Date header", "table", "GET", url,
                          {"Date": FIXED_DATE, "x-ms-version": "2019-02-02"}, sts, scheme="SharedKeyLite"))
    return out


# -------------------------------------------------------------------------------------- SAS


def sas_vector(name, service, method, path, token, source, expect=None, expect_error=None, now=SAS_NOW,
               extra_query="", account=DEV_ACCOUNT, require=None):
    target = path + ("&" if "?" in path else "?") + token + (("&" + extra_query) if extra_query else "")
    out = {"name": name, "source": source, "service": service, "account": account, "method": method,
           "target": target, "now": now}
    if expect is not None:
        out["expect"] = expect
    if expect_error is not None:
        out["expectError"] = expect_error
    if require is not None:
        out["require"] = require
    return out


def documented_blob_sas(version_, fields, resource, key=DEV_KEY):
    """Service SAS of an older version, built from the documented string-to-sign."""
    order_2015 = ["sp", "st", "se", "cr", "si", "sip", "spr", "sv"]
    order = order_2015 + (["sr", "snapshot"] if version_ >= "2018-11-09" else [])
    order += ["ses"] if version_ >= "2020-12-06" else []
    order += ["rscc", "rscd", "rsce", "rscl", "rsct"]
    values = dict(fields, sv=version_, cr=resource)
    string_to_sign = "\n".join(values.get(k, "") for k in order)
    query = {k: v for k, v in values.items() if k not in ("cr", "snapshot") and v}
    query["sig"] = sign_string(key, string_to_sign)
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())


def sas_vectors():
    src = lambda fn: f"azure SDK {fn}"  # noqa: E731
    ok = lambda scope, permissions, **more: dict(scope=scope, permissions=permissions, **more)  # noqa: E731
    dev_tables = AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY)
    out = []

    # Account SAS from each SDK: Blob (newest version, signs ses), Queue (signs an empty ses),
    # Tables (2019-02-02, no ses line at all).
    token = generate_account_sas(
        DEV_ACCOUNT, DEV_KEY, ResourceTypes(service=True, container=True, object=True),
        AccountSasPermissions(read=True, write=True, delete=True, list=True, add=True, create=True),
        SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("account SAS (blob SDK): read a blob", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/x.jpg",
                          token, src("azure.storage.blob.generate_account_sas"),
                          ok({"kind": "account", "services": "b", "resourceTypes": "sco"}, "rwdlac")))
    out.append(sas_vector("account SAS (blob SDK): used on the queue service", "queue", "GET",
                          f"/{DEV_ACCOUNT}/extract-queue/messages", token,
                          src("azure.storage.blob.generate_account_sas"),
                          ok({"kind": "account", "services": "b", "resourceTypes": "sco"}, "rwdlac"),
                          require={"permission": "r", "resourceType": "o", "container": "extract-queue",
                                   "error": "AuthorizationServiceMismatch"}))
    token = generate_account_sas(
        DEV_ACCOUNT, DEV_KEY, ResourceTypes(object=True), AccountSasPermissions(read=True), SAS_EXPIRY,
        start=SAS_START, ip="127.0.0.1-127.0.0.255", services="bqt", protocol="https,http",
        encryption_scope="scope1")
    out.append(sas_vector("account SAS with ip, protocol and encryption scope", "blob", "GET",
                          f"/{DEV_ACCOUNT}/file-store/x.jpg", token, src("azure.storage.blob.generate_account_sas"),
                          ok({"kind": "account", "services": "bqt", "resourceTypes": "o"}, "r",
                             encryptionScope="scope1", ipRange="127.0.0.1-127.0.0.255", protocol="https,http")))
    out.append(sas_vector("account SAS, srt=o used to list containers", "blob", "GET", f"/{DEV_ACCOUNT}/",
                          token, src("azure.storage.blob.generate_account_sas"),
                          ok({"kind": "account", "services": "bqt", "resourceTypes": "o"}, "r",
                             encryptionScope="scope1", ipRange="127.0.0.1-127.0.0.255"),
                          extra_query="comp=list",
                          require={"permission": "l", "resourceType": "s",
                                   "error": "AuthorizationResourceTypeMismatch"}))
    token = generate_account_sas(DEV_ACCOUNT, DEV_KEY, "sco", "rl", SAS_EXPIRY, start=SAS_START, protocol="https")
    out.append(sas_vector("account SAS with spr=https over http", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/x",
                          token, src("azure.storage.blob.generate_account_sas"),
                          expect_error={"status": 403, "code": "AuthorizationProtocolMismatch"}))
    token = generate_queue_account_sas(
        DEV_ACCOUNT, DEV_KEY, "sco", "raup", SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("account SAS (queue SDK): get messages", "queue", "GET",
                          f"/{DEV_ACCOUNT}/extract-queue/messages", token,
                          src("azure.storage.queue.generate_account_sas"),
                          ok({"kind": "account", "services": "q", "resourceTypes": "sco"}, "raup")))
    token = generate_table_account_sas(
        dev_tables, TableResourceTypes(container=True, object=True),
        TableAccountSasPermissions(read=True, write=True, list=True, add=True, update=True),
        SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("account SAS (tables SDK, sv=2019-02-02): query entities", "table", "GET",
                          f"/{DEV_ACCOUNT}/files()", token, src("azure.data.tables.generate_account_sas"),
                          ok({"kind": "account", "services": "t", "resourceTypes": "co"}, "rwlau")))

    # Blob service SAS.
    token = generate_blob_sas(DEV_ACCOUNT, "file-store", "Fotos/Überraschung 日本 🌄.jpg", account_key=DEV_KEY,
                              permission=BlobSasPermissions(read=True), expiry=SAS_EXPIRY, start=SAS_START)
    blob_path = f"/{DEV_ACCOUNT}/file-store/" + quote("Fotos/Überraschung 日本 🌄.jpg", safe="~/")
    out.append(sas_vector("blob SAS (sr=b) on a unicode blob name", "blob", "GET", blob_path, token,
                          src("generate_blob_sas"),
                          ok({"kind": "blob", "container": "file-store", "blob": "Fotos/Überraschung 日本 🌄.jpg"}, "r")))
    out.append(sas_vector("blob SAS used on another blob", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/other.jpg",
                          token, src("generate_blob_sas"),
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "Signature did not match"}))
    out.append(sas_vector("blob SAS before its start", "blob", "GET", blob_path, token, src("generate_blob_sas"),
                          now="2024-12-31T23:59:59Z",
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "not valid"}))
    out.append(sas_vector("blob SAS after its expiry", "blob", "GET", blob_path, token, src("generate_blob_sas"),
                          now="2026-01-01T00:00:00Z",
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "not valid"}))
    out.append(sas_vector("blob SAS (read) used to write", "blob", "PUT", blob_path, token, src("generate_blob_sas"),
                          ok({"kind": "blob", "container": "file-store", "blob": "Fotos/Überraschung 日本 🌄.jpg"}, "r"),
                          require={"permission": "w", "resourceType": "o", "container": "file-store",
                                   "blob": "Fotos/Überraschung 日本 🌄.jpg",
                                   "error": "AuthorizationPermissionMismatch"}))
    token = generate_blob_sas(DEV_ACCOUNT, "pv-store", "abc/800.jpg", account_key=DEV_KEY,
                              permission=BlobSasPermissions(read=True), expiry=SAS_EXPIRY, start=SAS_START,
                              cache_control="no-cache", content_disposition="attachment; filename=\"800.jpg\"",
                              content_encoding="identity", content_language="fr", content_type="image/jpeg",
                              ip="10.0.0.1", protocol="https,http", encryption_scope="scope1")
    out.append(sas_vector("blob SAS with response header overrides, ip and encryption scope", "blob", "GET",
                          f"/{DEV_ACCOUNT}/pv-store/abc/800.jpg", token, src("generate_blob_sas"),
                          ok({"kind": "blob", "container": "pv-store", "blob": "abc/800.jpg"}, "r",
                             overrides={"rscc": "no-cache", "rscd": "attachment; filename=\"800.jpg\"",
                                        "rsce": "identity", "rscl": "fr", "rsct": "image/jpeg"},
                             encryptionScope="scope1", ipRange="10.0.0.1")))
    snapshot = "2025-06-15T12:00:00.1234567Z"
    token = generate_blob_sas(DEV_ACCOUNT, "file-store", "snap.jpg", snapshot=snapshot, account_key=DEV_KEY,
                              permission=BlobSasPermissions(read=True, delete=True), expiry=SAS_EXPIRY,
                              start=SAS_START)
    out.append(sas_vector("blob snapshot SAS (sr=bs)", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/snap.jpg", token,
                          src("generate_blob_sas"),
                          ok({"kind": "blob", "container": "file-store", "blob": "snap.jpg"}, "rd"),
                          extra_query="snapshot=" + quote(snapshot, safe="")))
    version_id = "2025-06-15T12:00:00.7654321Z"
    token = generate_blob_sas(DEV_ACCOUNT, "file-store", "ver.jpg", account_key=DEV_KEY, version_id=version_id,
                              permission=BlobSasPermissions(read=True, delete_previous_version=True),
                              expiry=SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("blob version SAS (sr=bv)", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/ver.jpg", token,
                          src("generate_blob_sas"),
                          ok({"kind": "blob", "container": "file-store", "blob": "ver.jpg"}, "rx"),
                          extra_query="versionid=" + quote(version_id, safe="")))
    token = generate_container_sas(DEV_ACCOUNT, "pv-store", account_key=DEV_KEY,
                                   permission=ContainerSasPermissions(read=True, write=True, list=True, create=True),
                                   expiry=SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("container SAS (sr=c): list blobs", "blob", "GET", f"/{DEV_ACCOUNT}/pv-store", token,
                          src("generate_container_sas"), ok({"kind": "container", "container": "pv-store"}, "rcwl"),
                          extra_query="restype=container&comp=list"))
    out.append(sas_vector("container SAS (sr=c): write a blob in it", "blob", "PUT",
                          f"/{DEV_ACCOUNT}/pv-store/abc/" + quote("h400 ü.jpg"), token,
                          src("generate_container_sas"), ok({"kind": "container", "container": "pv-store"}, "rcwl")))
    out.append(sas_vector("container SAS used on another container", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/x",
                          token, src("generate_container_sas"),
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "Signature did not match"}))
    token = generate_container_sas(DEV_ACCOUNT, "file-store", account_key=DEV_KEY, policy_id="read-2025")
    out.append(sas_vector("container SAS with a stored access policy (si only)", "blob", "GET",
                          f"/{DEV_ACCOUNT}/file-store/x.jpg", token, src("generate_container_sas"),
                          ok({"kind": "container", "container": "file-store"}, "rl", policy="read-2025")))
    out.append(sas_vector("stored access policy, after the policy's expiry", "blob", "GET",
                          f"/{DEV_ACCOUNT}/file-store/x.jpg", token, src("generate_container_sas"),
                          now="2025-07-01T00:00:01Z",
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "not valid"}))
    token = generate_container_sas(DEV_ACCOUNT, "file-store", account_key=DEV_KEY, policy_id="read-2025",
                                   expiry=datetime(2025, 6, 20, tzinfo=timezone.utc))
    out.append(sas_vector("stored access policy and the token both set expiry", "blob", "GET",
                          f"/{DEV_ACCOUNT}/file-store/x.jpg", token, src("generate_container_sas"),
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "not both"}))
    token = generate_container_sas(DEV_ACCOUNT, "file-store", account_key=DEV_KEY, policy_id="no-permission",
                                   permission=ContainerSasPermissions(read=True))
    out.append(sas_vector("stored policy (dates) merged with the token's permission", "blob", "GET",
                          f"/{DEV_ACCOUNT}/file-store/y.jpg", token, src("generate_container_sas"),
                          ok({"kind": "container", "container": "file-store"}, "r", policy="no-permission")))
    token = generate_container_sas(DEV_ACCOUNT, "file-store", account_key=DEV_KEY, policy_id="revoked")
    out.append(sas_vector("stored access policy that does not exist", "blob", "GET",
                          f"/{DEV_ACCOUNT}/file-store/x.jpg", token, src("generate_container_sas"),
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "revoked"}))
    token = generate_blob_sas(DEV_ACCOUNT, "file-store", "x.jpg", account_key=STRANGER_KEY,
                              permission="r", expiry=SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("blob SAS signed with a key no account has", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/x.jpg",
                          token, src("generate_blob_sas"),
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "Signature did not match"}))
    token = generate_blob_sas(ACCOUNT2, "c2", "x.jpg", account_key=ACCOUNT2_KEY2, permission="r", expiry=SAS_EXPIRY)
    out.append(sas_vector("blob SAS signed with account2's secondary key, no start", "blob", "GET",
                          f"/{ACCOUNT2}/c2/x.jpg", token, src("generate_blob_sas"),
                          ok({"kind": "blob", "container": "c2", "blob": "x.jpg"}, "r"), account=ACCOUNT2))

    # Older service SAS versions still accepted by Azure, from the documented string-to-sign.
    for version_ in ("2015-04-05", "2018-11-09", "2020-02-10"):
        # sr is always sent; before 2018-11-09 it is not part of the string-to-sign.
        fields = {"sp": "r", "st": "2025-01-01T00:00:00Z", "se": "2025-12-31T23:59:59Z", "sr": "b"}
        token = documented_blob_sas(version_, fields, f"/blob/{DEV_ACCOUNT}/file-store/old.jpg")
        out.append(sas_vector(f"blob SAS, sv={version_}", "blob", "GET", f"/{DEV_ACCOUNT}/file-store/old.jpg", token,
                              "documented rule, signed with azure-storage-blob sign_string",
                              ok({"kind": "blob", "container": "file-store", "blob": "old.jpg"}, "r")))

    # Queue service SAS.
    token = generate_queue_sas(DEV_ACCOUNT, "extract-queue", DEV_KEY,
                               permission=QueueSasPermissions(read=True, add=True, process=True),
                               expiry=SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("queue SAS: get messages", "queue", "GET", f"/{DEV_ACCOUNT}/extract-queue/messages", token,
                          src("generate_queue_sas"), ok({"kind": "container", "container": "extract-queue"}, "rap")))
    out.append(sas_vector("queue SAS used on another queue", "queue", "GET", f"/{DEV_ACCOUNT}/other/messages", token,
                          src("generate_queue_sas"),
                          expect_error={"status": 403, "code": "AuthenticationFailed", "detail": "Signature did not match"}))
    token = generate_queue_sas(DEV_ACCOUNT, "extract-queue", DEV_KEY, policy_id="consumer")
    out.append(sas_vector("queue SAS with a stored access policy", "queue", "DELETE",
                          f"/{DEV_ACCOUNT}/extract-queue/messages/1?popreceipt=abc", token, src("generate_queue_sas"),
                          ok({"kind": "container", "container": "extract-queue"}, "rp", policy="consumer")))

    # Table service SAS.
    token = generate_table_sas(dev_tables, "Files", permission=TableSasPermissions(read=True, add=True, update=True),
                               expiry=SAS_EXPIRY, start=SAS_START)
    out.append(sas_vector("table SAS (mixed-case tn): get an entity", "table", "GET",
                          f"/{DEV_ACCOUNT}/files(PartitionKey='lib',RowKey='a.jpg')", token, src("generate_table_sas"),
                          ok({"kind": "table", "table": "Files"}, "rau")))
    out.append(sas_vector("table SAS used on another table", "table", "GET",
                          f"/{DEV_ACCOUNT}/history()", token, src("generate_table_sas"),
                          ok({"kind": "table", "table": "Files"}, "rau"),
                          require={"permission": "r", "resourceType": "o", "container": "history",
                                   "error": "AuthorizationFailure"}))
    token = generate_table_sas(dev_tables, "files", permission="r", expiry=SAS_EXPIRY, start=SAS_START,
                               start_pk="lib", start_rk="a", end_pk="lib", end_rk="m", ip_address_or_range="127.0.0.1")
    out.append(sas_vector("table SAS with a key range", "table", "GET",
                          f"/{DEV_ACCOUNT}/files(PartitionKey='lib',RowKey='b.jpg')", token, src("generate_table_sas"),
                          ok({"kind": "table", "table": "files",
                              "range": {"spk": "lib", "srk": "a", "epk": "lib", "erk": "m"}}, "r",
                             ipRange="127.0.0.1"),
                          require={"permission": "r", "resourceType": "o", "container": "files",
                                   "partitionKey": "lib", "rowKey": "b.jpg"}))
    out.append(sas_vector("table SAS with a key range, entity outside it", "table", "GET",
                          f"/{DEV_ACCOUNT}/files(PartitionKey='lib',RowKey='z.jpg')", token, src("generate_table_sas"),
                          ok({"kind": "table", "table": "files",
                              "range": {"spk": "lib", "srk": "a", "epk": "lib", "erk": "m"}}, "r",
                             ipRange="127.0.0.1"),
                          require={"permission": "r", "resourceType": "o", "container": "files",
                                   "partitionKey": "lib", "rowKey": "z.jpg", "error": "AuthorizationFailure"}))
    token = generate_table_sas(dev_tables, "files", policy_id="table-reader")
    out.append(sas_vector("table SAS with a stored access policy", "table", "GET", f"/{DEV_ACCOUNT}/files()", token,
                          src("generate_table_sas"), ok({"kind": "table", "table": "files"}, "r", policy="table-reader")))
    return out


def stored_policies():
    # What the services' ACLs hold; the Swift tests serve these through a StoredAccessPolicyLookup.
    return [
        {"service": "blob", "account": DEV_ACCOUNT, "resource": "file-store", "id": "read-2025",
         "start": "2025-01-01T00:00:00Z", "expiry": "2025-07-01T00:00:00Z", "permissions": "rl"},
        {"service": "blob", "account": DEV_ACCOUNT, "resource": "file-store", "id": "no-permission",
         "start": "2025-06-01T00:00:00Z", "expiry": "2025-07-01T00:00:00Z"},
        {"service": "queue", "account": DEV_ACCOUNT, "resource": "extract-queue", "id": "consumer",
         "expiry": "2025-12-31T00:00:00Z", "permissions": "rp"},
        {"service": "table", "account": DEV_ACCOUNT, "resource": "files", "id": "table-reader",
         "start": "2025-01-01T00:00:00Z", "expiry": "2025-12-31T00:00:00Z", "permissions": "r"},
    ]


def header_order_vector():
    # The service sorts x-ms- header names with the same collation the SDK uses: '-' is ignored at the
    # first level, '_' sorts before digits, digits before letters.
    names = ["x-ms-meta-a-c", "x-ms-meta-ab", "x-ms-meta-a_1", "x-ms-meta-a1", "x-ms-meta-a2", "x-ms-meta-a",
             "x-ms-meta-a-", "x-ms-meta--a", "x-ms-meta-b", "x-ms-meta-camera_make", "x-ms-meta-camera-model",
             "x-ms-meta-cameramodel", "x-ms-date", "x-ms-version", "x-ms-blob-type", "x-ms-blob-content-type",
             "x-ms-meta-z9", "x-ms-meta-z.9", "x-ms-meta-z~9", "x-ms-meta-z^9", "x-ms-meta-z'9", "x-ms-meta-z'-9",
             "x-ms-meta-z-'9", "x-ms-meta-zz", "x-ms-meta-z"]
    return [name for name, _ in blob_auth._storage_header_sort([(n, "") for n in names])]


def accounts():
    return [{"name": DEV_ACCOUNT, "keys": [DEV_KEY]}, {"name": ACCOUNT2, "keys": [ACCOUNT2_KEY1, ACCOUNT2_KEY2]}]


def sdk_versions():
    return {p: version(p) for p in ("azure-storage-blob", "azure-storage-queue", "azure-data-tables", "azure-core")}


def write(name, payload):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    write("sharedkey.json", {
        "about": "SharedKey/SharedKeyLite requests and their Authorization headers; see make_vectors.py.",
        "sdk": sdk_versions(),
        "accounts": accounts(),
        "headerOrder": header_order_vector(),
        "vectors": policy_vectors() + client_vectors() + documented_vectors(),
    })
    write("sas.json", {
        "about": "Requests carrying SAS tokens, what the emulator must grant or refuse; see make_vectors.py.",
        "sdk": sdk_versions(),
        "accounts": accounts(),
        "policies": stored_policies(),
        "vectors": sas_vectors(),
    })


if __name__ == "__main__":
    main()

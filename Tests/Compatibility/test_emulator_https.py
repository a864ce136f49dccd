"""HTTPS and bearer tokens, as Azurite offers them: `--cert`/`--key` serve every service over TLS, and with
`--oauth basic` a JWT in `Authorization: Bearer` is accepted when its shape, lifetime, issuer and audience check
out. Microsoft's SDKs are the clients, trusting a certificate `openssl req` made for the test, and a token
credential written here (an unsigned JWT: `basic` checks no signature, so no azure-identity is needed)."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import requests
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from azure.data.tables import TableServiceClient
from azure.storage.blob import AccountSasPermissions, BlobServiceClient, ResourceTypes, generate_account_sas
from datetime import datetime, timedelta, timezone
from azure.storage.queue import QueueServiceClient

from conftest import ACCOUNT, KEY, start_emulator

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(**overrides) -> str:
    now = int(time.time())
    claims = {"aud": "https://storage.azure.com", "iss": f"https://sts.windows.net/{TENANT}/", "iat": now - 60,
              "nbf": now - 60, "exp": now + 3600, "tid": TENANT, "oid": "11059fcc-5514-4800-b5f8-49808b9cfab6"}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    header = {"alg": "RS256", "typ": "JWT"}
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()), b64url(b"unsigned")])


class TokenCredential:
    """What azure-identity's credentials do for the SDK: a token for the scope asked (its audience is the scope
    without `/.default`), with the claims given."""

    def __init__(self, **claims):
        self.claims = claims
        self.scopes = []

    def get_token(self, *scopes, **kwargs):
        self.scopes.append(scopes)
        audience = scopes[0].removesuffix("/.default")
        claims = {"aud": audience, **self.claims}
        return AccessToken(make_jwt(**claims), int(time.time()) + 3600)


class RawToken:
    """A credential that hands out a fixed string as the token."""

    def __init__(self, token):
        self.token = token

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, int(time.time()) + 3600)


@pytest.fixture(scope="module")
def certificate():
    directory = tempfile.mkdtemp(prefix="ironviper-tls-")
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    yield cert, key
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def secure(certificate):
    cert, key = certificate
    emulator = start_emulator(extra_args=["--cert", cert, "--key", key, "--oauth", "basic"])
    yield emulator
    emulator.stop()
    shutil.rmtree(emulator.location, ignore_errors=True)


def test_every_service_is_served_over_https_with_the_account_key(secure, certificate, unique_name):
    cert, _ = certificate
    assert all(url.startswith("https://127.0.0.1:") for url in secure.endpoints.values()), secure.endpoints
    assert secure.connection_string.startswith("DefaultEndpointsProtocol=https;")
    blobs = BlobServiceClient.from_connection_string(secure.connection_string, connection_verify=cert)
    container = blobs.create_container(unique_name)
    container.upload_blob("hello.txt", b"over tls")
    assert container.download_blob("hello.txt").readall() == b"over tls"
    # An https-only SAS (`spr=https`) fits a request that came over TLS.
    sas = generate_account_sas(ACCOUNT, KEY, ResourceTypes(service=True, container=True, object=True),
                               AccountSasPermissions(read=True, list=True), datetime.now(timezone.utc) + timedelta(hours=1),
                               protocol="https")
    over_sas = BlobServiceClient(secure.url("Blob"), credential=sas, connection_verify=cert)
    assert over_sas.get_container_client(unique_name).download_blob("hello.txt").readall() == b"over tls"
    queues = QueueServiceClient.from_connection_string(secure.connection_string, connection_verify=cert)
    queue = queues.create_queue(unique_name)
    queue.send_message("tls")
    assert [m.content for m in queue.receive_messages()] == ["tls"]
    tables = TableServiceClient.from_connection_string(secure.connection_string, connection_verify=cert)
    table = tables.create_table(unique_name)
    table.upsert_entity({"PartitionKey": "p", "RowKey": "r", "value": 1})
    assert table.get_entity("p", "r")["value"] == 1
    # Plain HTTP to a TLS port is not served: the handshake fails and the connection answers 400 and closes.
    plain = requests.get(secure.url("Blob").replace("https://", "http://") + "?comp=list", timeout=10)
    assert plain.status_code == 400 and plain.headers.get("Connection") == "close" and not plain.content
    container.delete_container()
    queue.delete_queue()
    tables.delete_table(unique_name)


def test_a_valid_token_works_for_blob_queue_and_table(secure, certificate, unique_name):
    cert, _ = certificate
    credential = TokenCredential()
    blobs = BlobServiceClient(secure.url("Blob"), credential=credential, connection_verify=cert)
    container = blobs.create_container(unique_name)
    container.upload_blob("by-token", b"owner rights")
    assert container.download_blob("by-token").readall() == b"owner rights"
    assert [b.name for b in container.list_blobs()] == ["by-token"]
    container.delete_container()
    assert credential.scopes[0] == ("https://storage.azure.com/.default",)

    queues = QueueServiceClient(secure.url("Queue"), credential=TokenCredential(), connection_verify=cert)
    queue = queues.create_queue(unique_name)
    queue.send_message("token")
    assert [m.content for m in queue.receive_messages()] == ["token"]
    queue.delete_queue()

    tables = TableServiceClient(endpoint=secure.url("Table"), credential=TokenCredential(), connection_verify=cert)
    table = tables.create_table(unique_name)
    table.upsert_entity({"PartitionKey": "p", "RowKey": "r", "n": 7})
    assert table.get_entity("p", "r")["n"] == 7
    tables.delete_table(unique_name)


@pytest.mark.parametrize("audience", [
    "https://storage.azure.com/", "e406a681-f3d4-42a8-90b6-c2b029497af1",
    f"https://{ACCOUNT}.blob.core.windows.net", f"https://{ACCOUNT}.blob.core.windows.net/",
])
def test_each_storage_audience_is_accepted(secure, certificate, audience):
    cert, _ = certificate
    blobs = BlobServiceClient(secure.url("Blob"), credential=RawToken(make_jwt(aud=audience)), connection_verify=cert)
    assert blobs.get_account_information()["account_kind"]


def refused(secure, cert, token, service="Blob"):
    """A raw request with the token, and what the service answered."""
    path = {"Blob": "?comp=list", "Queue": "?comp=list", "Table": "/Tables"}[service]
    return requests.get(secure.url(service) + path, verify=cert,
                        headers={"Authorization": f"Bearer {token}", "x-ms-version": "2025-11-05",
                                 "Accept": "application/json;odata=nometadata"})


@pytest.mark.parametrize("case, claims, detail", [
    ("expired", {"exp": int(time.time()) - 300, "nbf": int(time.time()) - 4000, "iat": int(time.time()) - 4000},
     "Lifetime validation failed. The token is expired."),
    ("not yet valid", {"nbf": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, "Lifetime validation failed"),
    ("wrong audience", {"aud": "https://management.azure.com"}, "Audience validation failed"),
    ("another account's audience", {"aud": "https://otheraccount.blob.core.windows.net"}, "Audience validation failed"),
    ("a queue audience on blob", {"aud": f"https://{ACCOUNT}.queue.core.windows.net"}, "Audience validation failed"),
    ("wrong issuer", {"iss": "https://evil.example/"}, "Issuer validation failed"),
    ("no exp", {"exp": None}, "no iat, nbf or exp"),
])
def test_invalid_tokens_are_refused_as_azure_does(secure, certificate, case, claims, detail):
    cert, _ = certificate
    reply = refused(secure, cert, make_jwt(**claims))
    assert reply.status_code == 401, (case, reply.text)
    assert reply.headers["x-ms-error-code"] == "InvalidAuthenticationInfo"
    assert detail in reply.text
    assert reply.headers["WWW-Authenticate"] == (
        f"Bearer authorization_uri=https://login.microsoftonline.com/{TENANT}/oauth2/authorize "
        "resource_id=https://storage.azure.com")
    # The SDK follows Azure's challenge once (a fresh token for the tenant it names), then gives up.
    blobs = BlobServiceClient(secure.url("Blob"), credential=RawToken(make_jwt(**claims)), connection_verify=cert)
    with pytest.raises(ClientAuthenticationError) as info:
        blobs.get_account_information()
    assert info.value.status_code == 401 and info.value.error_code == "InvalidAuthenticationInfo"


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", b64url(b"{}") + "." + b64url(b"[1]") + ".x",
                                   b64url(b'{"alg":"none"}') + "." + b64url(b"not json") + ".x"])
def test_malformed_tokens_are_refused(secure, certificate, token):
    cert, _ = certificate
    for service in ("Blob", "Queue", "Table"):
        reply = refused(secure, cert, token, service)
        assert reply.status_code == 401, (service, reply.text)
        assert reply.headers["x-ms-error-code"] == "InvalidAuthenticationInfo"
        assert reply.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=https://login.microsoftonline.com/common/")


def test_expired_tokens_are_refused_by_queue_and_table_too(secure, certificate):
    cert, _ = certificate
    expired = make_jwt(exp=int(time.time()) - 60, nbf=int(time.time()) - 600, iat=int(time.time()) - 600)
    for service in ("Queue", "Table"):
        reply = refused(secure, cert, expired, service)
        assert reply.status_code == 401 and reply.headers["x-ms-error-code"] == "InvalidAuthenticationInfo", service
    tables = TableServiceClient(endpoint=secure.url("Table"), credential=RawToken(expired), connection_verify=cert)
    with pytest.raises(ClientAuthenticationError):
        list(tables.list_tables())


def test_tokens_over_plain_http_are_refused():
    plain = start_emulator(extra_args=["--oauth", "basic"])
    try:
        assert plain.endpoints["Blob"].startswith("http://")
        # The SDK itself will not send a bearer token over HTTP...
        with pytest.raises(ValueError, match="only supported with HTTPS"):
            BlobServiceClient(plain.url("Blob"), credential=TokenCredential())
        # ...and the emulator refuses one that is sent anyway, as Azurite does.
        reply = requests.get(plain.url("Blob") + "?comp=list",
                             headers={"Authorization": f"Bearer {make_jwt()}", "x-ms-version": "2025-11-05"})
        assert reply.status_code == 403 and reply.headers["x-ms-error-code"] == "AuthenticationFailed"
        assert "Authentication scheme Bearer is not allowed with HTTP." in reply.text
    finally:
        plain.stop()
        shutil.rmtree(plain.location, ignore_errors=True)


def test_without_oauth_a_bearer_token_is_no_credential(certificate):
    cert, key = certificate
    emulator = start_emulator(extra_args=["--cert", cert, "--key", key], services=("blob",))
    try:
        reply = requests.get(emulator.url("Blob") + "?comp=list", verify=cert,
                             headers={"Authorization": f"Bearer {make_jwt()}", "x-ms-version": "2025-11-05"})
        assert reply.status_code == 403 and reply.headers["x-ms-error-code"] == "AuthenticationFailed"
    finally:
        emulator.stop()
        shutil.rmtree(emulator.location, ignore_errors=True)


def test_a_missing_certificate_file_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="--cert"):
        start_emulator(extra_args=["--cert", str(tmp_path / "absent.pem"), "--key", str(tmp_path / "absent.key")],
                       services=("blob",))

"""Records the requests Microsoft's SDKs send for a tour of all three services, as the fuzzer's seed corpus.

The fuzzer mutates real client traffic rather than requests we imagined, so its starting points carry the headers,
encodings and bodies (XML, JSON, `$batch` multiparts) the SDKs really produce. The requests are captured below the
SDK, at the `requests` session, after signing: exactly what goes on the wire. The corpus is written once and
committed (`corpus.json`), so fuzzing needs no SDK and the same seed always sends the same bytes.

    /work/main/.venv/bin/python benchmarks/fuzz/capture.py [--emulator PATH] [--out benchmarks/fuzz/corpus.json]
"""
import argparse
import base64
import datetime
import json
import os
import sys
import uuid

import requests
from azure.core.pipeline.transport import RequestsTransport
from azure.data.tables import EdmType, EntityProperty, TableServiceClient, UpdateMode
from azure.storage.blob import (AccessPolicy, BlobBlock, BlobServiceClient, ContainerSasPermissions, CorsRule,
                                RetentionPolicy, BlobAnalyticsLogging, Metrics)
from azure.storage.queue import QueueServiceClient

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from emulator_process import EmulatorProcess, default_binary  # noqa: E402

CONTAINER, QUEUE, TABLE = "fuzzc", "fuzzq", "fuzzt"


class RecordingSession(requests.Session):
    """A `requests` session that keeps every prepared request (signed, body serialised) before sending it."""

    def __init__(self, service, log):
        super().__init__()
        self.service, self.log, self.label = service, log, "?"

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            raise RuntimeError(f"{self.label}: streamed body, make the payload smaller")
        if isinstance(body, str):
            body = body.encode()
        url = requests.utils.urlparse(request.url)
        target = url.path + (f"?{url.query}" if url.query else "")
        self.log.append({
            "label": self.label, "service": self.service, "method": request.method, "target": target,
            "headers": [[k, v] for k, v in request.headers.items()],
            "body": base64.b64encode(body or b"").decode(), "status": response.status_code,
        })
        return response


def clients(emulator, log):
    """SDK clients for the three services, each recording through its own session; no retries (one send each)."""
    sessions = {s: RecordingSession(s, log) for s in ("blob", "queue", "table")}
    options = lambda s: {"transport": RequestsTransport(session=sessions[s], session_owner=False), "retry_total": 0}
    blob = BlobServiceClient.from_connection_string(emulator.connection_string, **options("blob"))
    queue = QueueServiceClient.from_connection_string(emulator.connection_string, **options("queue"))
    table = TableServiceClient.from_connection_string(emulator.connection_string, **options("table"))
    return sessions, blob, queue, table


def blob_tour(session, service):
    """Blob operations the issue names, plus the neighbours they depend on."""
    def step(label, call):
        session.label = label
        call()
    container = service.get_container_client(CONTAINER)
    blob = container.get_blob_client("dir/blob.txt")
    step("create-container", lambda: container.create_container(metadata={"purpose": "fuzz"}))
    step("put-blob", lambda: blob.upload_blob(b"hello fuzz " * 20, overwrite=True, metadata={"k": "v"}))
    big = container.get_blob_client("blocks.bin")
    step("put-block", lambda: big.stage_block("YmxvY2stMDAwMDAx", b"A" * 512))
    step("put-block", lambda: big.stage_block("YmxvY2stMDAwMDAy", b"B" * 512))
    step("put-block-list", lambda: big.commit_block_list(
        [BlobBlock("YmxvY2stMDAwMDAx"), BlobBlock("YmxvY2stMDAwMDAy")], metadata={"m": "1"}))
    step("get-block-list", lambda: big.get_block_list("all"))
    step("get-blob-range", lambda: blob.download_blob(offset=3, length=50).readall())
    step("get-blob-properties", lambda: blob.get_blob_properties())
    step("set-blob-metadata", lambda: blob.set_blob_metadata({"a": "b"}))
    step("snapshot", lambda: blob.create_snapshot())
    step("copy-blob", lambda: container.get_blob_client("copy.txt").start_copy_from_url(blob.url))
    step("list-blobs", lambda: list(container.list_blobs(name_starts_with="d", include=["metadata", "snapshots"])))
    step("list-blobs-delimiter", lambda: list(container.walk_blobs(delimiter="/")))
    step("list-containers", lambda: list(service.list_containers(include_metadata=True)))
    policy = AccessPolicy(permission=ContainerSasPermissions(read=True, list=True),
                          start=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
                          expiry=datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc))
    step("set-container-acl", lambda: container.set_container_access_policy({"policy1": policy}, public_access="blob"))
    step("get-container-acl", lambda: container.get_container_access_policy())
    step("lease-container", lambda: container.acquire_lease(lease_duration=15).release())
    step("set-service-properties", lambda: service.set_service_properties(
        analytics_logging=BlobAnalyticsLogging(read=True, retention_policy=RetentionPolicy(enabled=True, days=5)),
        hour_metrics=Metrics(enabled=True, include_apis=True, retention_policy=RetentionPolicy(enabled=True, days=5)),
        cors=[CorsRule(["http://example.com"], ["GET", "PUT"], max_age_in_seconds=60)]))
    step("get-service-properties", lambda: service.get_service_properties())
    step("set-blob-tier", lambda: blob.set_standard_blob_tier("Cool"))
    step("delete-blob", lambda: container.get_blob_client("copy.txt").delete_blob())


def queue_tour(session, service):
    """Queue operations: the message life cycle and the queue's own settings."""
    def step(label, call):
        session.label = label
        return call()
    queue = service.get_queue_client(QUEUE)
    step("create-queue", lambda: queue.create_queue(metadata={"purpose": "fuzz"}))
    step("put-message", lambda: queue.send_message("hello <fuzz> & friends", time_to_live=3600))
    step("put-message", lambda: queue.send_message("second", visibility_timeout=0))
    step("peek-messages", lambda: queue.peek_messages(max_messages=5))
    messages = step("get-messages", lambda: list(queue.receive_messages(messages_per_page=2, visibility_timeout=30)))
    if messages:
        updated = step("update-message", lambda: queue.update_message(messages[0], content="changed",
                                                                       visibility_timeout=1))
        step("delete-message", lambda: queue.delete_message(messages[0].id, updated.pop_receipt))
    step("set-queue-metadata", lambda: queue.set_queue_metadata({"x": "y"}))
    step("get-queue-properties", lambda: queue.get_queue_properties())
    step("list-queues", lambda: list(service.list_queues(name_starts_with="f", include_metadata=True)))
    step("clear-messages", lambda: queue.clear_messages())


def table_tour(session, service):
    """Table operations: entities of every EDM type, filtered queries and a `$batch` change set."""
    def step(label, call):
        session.label = label
        return call()
    step("create-table", lambda: service.create_table(TABLE))
    table = service.get_table_client(TABLE)
    entity = {"PartitionKey": "p", "RowKey": "r1", "Text": "héllo", "Int": 7, "Big": EntityProperty(2**40, EdmType.INT64), "Double": 0.5,
              "Flag": True, "When": datetime.datetime(2001, 2, 3, tzinfo=datetime.timezone.utc),
              "Id": uuid.UUID("c9da6455-213d-42c9-9a79-3e9149a57833"), "Bytes": b"\x00\xff"}
    step("insert-entity", lambda: table.create_entity(entity))
    step("upsert-entity", lambda: table.upsert_entity({**entity, "RowKey": "r2", "Int": 9}, mode=UpdateMode.MERGE))
    step("get-entity", lambda: table.get_entity("p", "r1"))
    step("query-entities", lambda: list(table.query_entities(
        "PartitionKey eq 'p' and (Int gt 3 or Text eq 'x') and not (Flag eq false)", select=["Text", "Int"])))
    step("query-entities-params", lambda: list(table.query_entities(
        "When ge @when and Id eq @id", parameters={"when": entity["When"], "id": entity["Id"]})))
    step("batch", lambda: table.submit_transaction([
        ("create", {"PartitionKey": "b", "RowKey": "1", "V": 1}),
        ("upsert", {"PartitionKey": "b", "RowKey": "2", "V": 2}),
        ("create", {"PartitionKey": "b", "RowKey": "3", "V": 4}),
    ]))
    step("batch-update-delete", lambda: table.submit_transaction([
        ("update", {"PartitionKey": "b", "RowKey": "1", "V": 3}, {"mode": UpdateMode.REPLACE}),
        ("delete", {"PartitionKey": "b", "RowKey": "3"}),
    ]))
    step("list-tables", lambda: list(service.query_tables("TableName eq 'fuzzt'")))
    step("delete-entity", lambda: table.delete_entity("p", "r2"))
    step("get-table-acl", lambda: table.get_table_access_policy())


def capture(binary):
    """Runs the tours against a fresh emulator and returns the recorded requests, in order."""
    log = []
    with EmulatorProcess(binary) as emulator:
        sessions, blob, queue, table = clients(emulator, log)
        blob_tour(sessions["blob"], blob)
        queue_tour(sessions["queue"], queue)
        table_tour(sessions["table"], table)
    return log


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emulator", default=None, help="ironviper-emulator binary")
    parser.add_argument("--out", default=os.path.join(HERE, "corpus.json"))
    args = parser.parse_args()
    log = capture(args.emulator or default_binary())
    with open(args.out, "w") as out:
        json.dump(log, out, indent=1, ensure_ascii=False)
        out.write("\n")
    print(f"{len(log)} requests written to {args.out}")


if __name__ == "__main__":
    main()

"""The Queue service against Microsoft's `azure-storage-queue`, with default settings."""
import shutil
import signal
import time
from datetime import datetime, timedelta, timezone

import pytest
from azure.core.exceptions import (ClientAuthenticationError, HttpResponseError, ResourceExistsError,
                                   ResourceNotFoundError)
from azure.storage.queue import (AccessPolicy, AccountSasPermissions, BinaryBase64DecodePolicy,
                                 BinaryBase64EncodePolicy, QueueClient, QueueSasPermissions, QueueServiceClient,
                                 ResourceTypes, generate_account_sas, generate_queue_sas)

from conftest import ACCOUNT, KEY, start_emulator


@pytest.fixture
def service(emulator):
    return QueueServiceClient.from_connection_string(emulator.connection_string)


@pytest.fixture
def queue(service, unique_name):
    client = service.create_queue(unique_name)
    yield client
    try:
        client.delete_queue()
    except ResourceNotFoundError:
        pass


def wait_for(condition, seconds=30):
    """Polls until `condition()` is truthy; the deadline only guards against a hang, it is not asserted."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_send_peek_receive_update_delete_clear(queue):
    sent = queue.send_message("hello <world> & \"friends\"")
    assert sent.id and sent.pop_receipt
    queue.send_message("second")
    assert [m.content for m in queue.peek_messages(max_messages=5)] == ["hello <world> & \"friends\"", "second"]
    assert queue.get_queue_properties().approximate_message_count == 2

    received = list(queue.receive_messages(messages_per_page=32, visibility_timeout=60))
    assert [m.content for m in received] == ["hello <world> & \"friends\"", "second"]
    assert all(m.dequeue_count == 1 for m in received)
    assert queue.peek_messages() == []

    updated = queue.update_message(received[0], content="changed", visibility_timeout=0)
    assert updated.pop_receipt != received[0].pop_receipt
    assert [m.content for m in queue.peek_messages()] == ["changed"]
    queue.delete_message(received[0].id, updated.pop_receipt)
    queue.delete_message(received[1])
    assert queue.get_queue_properties().approximate_message_count == 0

    for i in range(5):
        queue.send_message(f"m{i}")
    queue.clear_messages()
    assert queue.peek_messages(max_messages=32) == []


def test_visibility_expiry_redelivers_and_stale_receipt_fails(queue):
    queue.send_message("work")
    first = next(iter(queue.receive_messages(visibility_timeout=1)))
    assert first.dequeue_count == 1
    again = wait_for(lambda: list(queue.receive_messages(visibility_timeout=60)))
    assert [m.content for m in again] == ["work"]
    assert again[0].dequeue_count == 2
    # The first consumer's lease ran out and someone else took the message: its receipt is stale.
    with pytest.raises(ResourceNotFoundError) as error:
        queue.delete_message(first)
    assert error.value.error_code == "MessageNotFound"
    queue.delete_message(again[0])


def test_time_to_live_and_visibility_on_send(queue):
    queue.send_message("short", time_to_live=1)
    forever = queue.send_message("forever", time_to_live=-1)
    assert forever.expires_on.year == 9999
    hidden = queue.send_message("hidden", visibility_timeout=3600)
    assert hidden.next_visible_on > datetime.now(timezone.utc) + timedelta(minutes=59)
    gone = wait_for(lambda: [m.content for m in queue.peek_messages(max_messages=32)] == ["forever"])
    assert gone
    assert queue.get_queue_properties().approximate_message_count == 2
    with pytest.raises(HttpResponseError) as error:
        queue.send_message("bad", visibility_timeout=10, time_to_live=5)
    assert error.value.status_code == 400


def test_message_size_limit(queue):
    queue.send_message("x" * 65536)
    with pytest.raises(HttpResponseError) as error:
        queue.send_message("x" * 65537)
    assert error.value.status_code == 413
    assert error.value.error_code == "RequestBodyTooLarge"


def test_binary_messages_with_base64_policies(emulator, unique_name, service):
    service.create_queue(unique_name)
    client = QueueClient.from_connection_string(
        emulator.connection_string, unique_name,
        message_encode_policy=BinaryBase64EncodePolicy(), message_decode_policy=BinaryBase64DecodePolicy())
    payload = bytes(range(256))
    client.send_message(payload)
    assert next(iter(client.receive_messages())).content == payload
    client.delete_queue()


def test_queue_listing_metadata_and_acl(service, unique_name):
    names = [f"{unique_name}-{i}" for i in range(5)]
    for name in names:
        service.create_queue(name, metadata={"index": name[-1]})
    # Same metadata: 204 (which the SDK reports as "already exists"); different metadata: 409, as Azure.
    with pytest.raises(ResourceExistsError) as same:
        service.create_queue(names[0], metadata={"index": "0"})
    assert same.value.status_code == 204
    with pytest.raises(ResourceExistsError) as different:
        service.create_queue(names[0], metadata={"index": "other"})
    assert different.value.status_code == 409
    pages = [[q.name for q in page]
             for page in service.list_queues(name_starts_with=unique_name, results_per_page=2).by_page()]
    assert [len(p) for p in pages] == [2, 2, 1]
    listed = list(service.list_queues(name_starts_with=unique_name, include_metadata=True))
    assert [q.metadata for q in listed] == [{"index": str(i)} for i in range(5)]

    client = service.get_queue_client(names[1])
    client.set_queue_metadata({"Owner": "ironviper"})
    assert client.get_queue_properties().metadata == {"Owner": "ironviper"}
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    client.set_queue_access_policy(signed_identifiers={
        "readers": AccessPolicy(permission=QueueSasPermissions(read=True), start=start, expiry=start + timedelta(days=1))})
    policies = client.get_queue_access_policy()
    assert list(policies) == ["readers"]
    assert policies["readers"].permission == "r"
    for name in names:
        service.delete_queue(name)
    with pytest.raises(ResourceNotFoundError):
        client.get_queue_properties()


def test_invalid_queue_name(service):
    with pytest.raises(HttpResponseError) as error:
        service.create_queue("Bad_Name")
    assert error.value.status_code == 400


def test_queue_sas_and_account_sas(emulator, queue):
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    add_only = generate_queue_sas(ACCOUNT, queue.queue_name, KEY, permission=QueueSasPermissions(add=True), expiry=expiry)
    producer = QueueClient(emulator.url("Queue"), queue.queue_name, credential=add_only)
    producer.send_message("from a SAS")
    with pytest.raises(HttpResponseError) as error:
        producer.peek_messages()
    assert error.value.status_code == 403

    process = generate_queue_sas(
        ACCOUNT, queue.queue_name, KEY, permission=QueueSasPermissions(read=True, process=True), expiry=expiry)
    consumer = QueueClient(emulator.url("Queue"), queue.queue_name, credential=process)
    message = next(iter(consumer.receive_messages()))
    assert message.content == "from a SAS"
    consumer.delete_message(message)

    account = generate_account_sas(
        ACCOUNT, KEY, resource_types=ResourceTypes(service=True, container=True, object=True),
        permission=AccountSasPermissions(read=True, list=True, add=True, process=True), expiry=expiry)
    service = QueueServiceClient(emulator.url("Queue"), credential=account)
    assert queue.queue_name in [q.name for q in service.list_queues(name_starts_with=queue.queue_name)]
    service.get_queue_client(queue.queue_name).send_message("via account SAS")
    with pytest.raises(HttpResponseError) as error:
        service.create_queue(queue.queue_name + "x")
    assert error.value.status_code == 403

    expired = generate_queue_sas(ACCOUNT, queue.queue_name, KEY, permission=QueueSasPermissions(read=True),
                                 expiry=datetime.now(timezone.utc) - timedelta(minutes=5))
    with pytest.raises(ClientAuthenticationError):
        QueueClient(emulator.url("Queue"), queue.queue_name, credential=expired).peek_messages()


def test_wrong_key_is_rejected(emulator, unique_name):
    bad = emulator.connection_string.replace(KEY, "AAAA" + KEY[4:])
    with pytest.raises(ClientAuthenticationError):
        QueueServiceClient.from_connection_string(bad).create_queue(unique_name)


def test_messages_survive_kill_9(unique_name):
    emulator = start_emulator(services=("queue",))
    try:
        client = QueueClient.from_connection_string(emulator.connection_string, unique_name)
        client.create_queue()
        for i in range(20):
            client.send_message(f"durable {i}")
        taken = next(iter(client.receive_messages(visibility_timeout=3600)))
        emulator.stop(signal.SIGKILL)
        restarted = start_emulator(location=emulator.location, services=("queue",))
        try:
            client = QueueClient.from_connection_string(restarted.connection_string, unique_name)
            visible = [m.content for m in client.peek_messages(max_messages=32)]
            assert len(visible) == 19 and taken.content not in visible
            assert client.get_queue_properties().approximate_message_count == 20
        finally:
            restarted.stop()
    finally:
        emulator.stop()
        shutil.rmtree(emulator.location, ignore_errors=True)

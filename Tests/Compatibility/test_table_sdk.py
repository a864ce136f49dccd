"""The Table service against Microsoft's `azure-data-tables`, with default settings."""
import shutil
import signal
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from azure.core import MatchConditions
from azure.core.credentials import AzureNamedKeyCredential, AzureSasCredential
from azure.core.exceptions import (ClientAuthenticationError, HttpResponseError, ResourceExistsError,
                                   ResourceModifiedError, ResourceNotFoundError)
from azure.data.tables import (AccountSasPermissions, EdmType, EntityProperty, ResourceTypes, TableClient,
                               TableSasPermissions, TableServiceClient, TableTransactionError, UpdateMode,
                               generate_account_sas, generate_table_sas)

from conftest import ACCOUNT, KEY, start_emulator

CREDENTIAL = AzureNamedKeyCredential(ACCOUNT, KEY)


@pytest.fixture
def service(emulator):
    return TableServiceClient.from_connection_string(emulator.connection_string)


@pytest.fixture
def table(service, unique_name):
    client = service.create_table(unique_name)
    yield client
    service.delete_table(unique_name)


def every_type():
    return {
        "PartitionKey": "p", "RowKey": "all-types",
        "Text": "héllo \"quoted\" 😀",
        "Int32": 2147483647,
        "Int64": EntityProperty(9007199254740993, EdmType.INT64),
        "Double": 0.1,
        "WholeDouble": 5.0,
        "Infinite": float("-inf"),
        "Flag": False,
        "When": datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=timezone.utc),
        "Id": uuid.UUID("c9da6455-213d-42c9-9a79-3e9149a57833"),
        "Bytes": b"\x00\x01\xfe\xff",
    }


def test_entity_crud_with_every_edm_type(table):
    table.create_entity(every_type())
    got = table.get_entity("p", "all-types")
    assert got["Text"] == "héllo \"quoted\" 😀"
    assert got["Int32"] == 2147483647 and type(got["Int32"]) is int
    assert got["Int64"] == EntityProperty(9007199254740993, EdmType.INT64)
    assert got["Double"] == 0.1
    assert got["WholeDouble"] == 5.0 and type(got["WholeDouble"]) is float
    assert got["Infinite"] == float("-inf")
    assert got["Flag"] is False
    assert got["When"] == datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=timezone.utc)
    assert got["Id"] == uuid.UUID("c9da6455-213d-42c9-9a79-3e9149a57833")
    assert got["Bytes"] == b"\x00\x01\xfe\xff"
    assert got.metadata["etag"].startswith('W/"datetime')
    with pytest.raises(ResourceExistsError):
        table.create_entity(every_type())
    # Writing back what was read changes nothing about the types.
    table.update_entity(got, mode=UpdateMode.REPLACE)
    again = table.get_entity("p", "all-types")
    assert {k: v for k, v in again.items()} == {k: v for k, v in got.items()}
    table.delete_entity("p", "all-types")
    with pytest.raises(ResourceNotFoundError):
        table.get_entity("p", "all-types")


def test_merge_versus_replace(table):
    table.create_entity({"PartitionKey": "p", "RowKey": "r", "A": 1, "B": "b"})
    table.update_entity({"PartitionKey": "p", "RowKey": "r", "C": 3}, mode=UpdateMode.MERGE)
    assert dict(table.get_entity("p", "r")) == {"PartitionKey": "p", "RowKey": "r", "A": 1, "B": "b", "C": 3}
    table.update_entity({"PartitionKey": "p", "RowKey": "r", "D": 4}, mode=UpdateMode.REPLACE)
    assert dict(table.get_entity("p", "r")) == {"PartitionKey": "p", "RowKey": "r", "D": 4}
    table.upsert_entity({"PartitionKey": "p", "RowKey": "new", "E": 5}, mode=UpdateMode.MERGE)
    table.upsert_entity({"PartitionKey": "p", "RowKey": "new", "F": 6}, mode=UpdateMode.MERGE)
    assert dict(table.get_entity("p", "new")) == {"PartitionKey": "p", "RowKey": "new", "E": 5, "F": 6}
    table.upsert_entity({"PartitionKey": "p", "RowKey": "new", "G": 7}, mode=UpdateMode.REPLACE)
    assert dict(table.get_entity("p", "new")) == {"PartitionKey": "p", "RowKey": "new", "G": 7}
    with pytest.raises(ResourceNotFoundError):
        table.update_entity({"PartitionKey": "p", "RowKey": "missing", "A": 1})


def test_optimistic_concurrency(table):
    table.create_entity({"PartitionKey": "p", "RowKey": "r", "V": 1})
    first = table.get_entity("p", "r")
    second = table.get_entity("p", "r")
    first["V"] = 2
    table.update_entity(first, etag=first.metadata["etag"], match_condition=MatchConditions.IfNotModified)
    second["V"] = 3
    with pytest.raises(ResourceModifiedError):
        table.update_entity(second, etag=second.metadata["etag"], match_condition=MatchConditions.IfNotModified)
    with pytest.raises(ResourceModifiedError):
        table.delete_entity("p", "r", etag=second.metadata["etag"], match_condition=MatchConditions.IfNotModified)
    assert table.get_entity("p", "r")["V"] == 2
    current = table.get_entity("p", "r")
    table.delete_entity("p", "r", etag=current.metadata["etag"], match_condition=MatchConditions.IfNotModified)


def test_queries_with_filters_parameters_select_and_paging(table):
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for i in range(30):
        table.create_entity({
            "PartitionKey": "even" if i % 2 == 0 else "odd", "RowKey": f"{i:03d}", "N": i,
            "Big": EntityProperty(i * 10_000_000_000, EdmType.INT64), "Ratio": i / 4,
            "Taken": start + timedelta(days=i), "Name": f"O'Name {i}", "Active": i % 3 == 0})
    evens = list(table.query_entities("PartitionKey eq 'even' and N ge 10"))
    assert [e["N"] for e in evens] == [10, 12, 14, 16, 18, 20, 22, 24, 26, 28]
    params = {"pk": "odd", "low": 5, "name": "O'Name 7"}
    assert [e["N"] for e in table.query_entities("PartitionKey eq @pk and N gt @low and Name ne @name",
                                                 parameters=params)] == [9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29]
    assert [e["N"] for e in table.query_entities("Big ge 250000000000L")] == [26, 28, 25, 27, 29]
    assert [e["N"] for e in table.query_entities("Taken lt @t and Active eq true",
                                                 parameters={"t": start + timedelta(days=10)})] == [0, 6, 3, 9]
    assert [e["N"] for e in table.query_entities("Ratio eq 2.5 or (N eq 1 and not Active)")] == [10, 1]
    selected = list(table.query_entities("N lt 2", select=["N", "Name"]))
    assert [dict(e) for e in selected] == [{"N": 0, "Name": "O'Name 0"}, {"N": 1, "Name": "O'Name 1"}]
    pages = [[e["N"] for e in page] for page in table.list_entities(results_per_page=7).by_page()]
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert sorted(sum(pages, [])) == list(range(30))
    filtered_pages = list(table.query_entities("Active eq true", results_per_page=4).by_page())
    assert sum(([e["N"] for e in page] for page in filtered_pages), []) == [0, 6, 12, 18, 24, 3, 9, 15, 21, 27]


def test_malformed_filter_is_a_clear_400(table):
    with pytest.raises(HttpResponseError) as error:
        list(table.query_entities("N eq eq 3"))
    assert error.value.status_code == 400
    assert error.value.error_code == "InvalidInput"
    assert "character" in error.value.message


def test_failing_batch_changes_nothing(table):
    table.create_entity({"PartitionKey": "p", "RowKey": "exists", "V": 1})
    with pytest.raises(TableTransactionError) as error:
        table.submit_transaction([
            ("create", {"PartitionKey": "p", "RowKey": "a"}),
            ("upsert", {"PartitionKey": "p", "RowKey": "b", "V": 2}),
            ("update", {"PartitionKey": "p", "RowKey": "exists", "V": 9}, {"mode": UpdateMode.MERGE}),
            ("create", {"PartitionKey": "p", "RowKey": "c"}),
            ("create", {"PartitionKey": "p", "RowKey": "exists"}),
        ])
    assert error.value.index == 4
    assert error.value.error_code == "InvalidDuplicateRow"
    with pytest.raises(TableTransactionError) as error:
        table.submit_transaction([
            ("create", {"PartitionKey": "p", "RowKey": "a"}),
            ("update", {"PartitionKey": "p", "RowKey": "exists", "V": 9}, {"mode": UpdateMode.MERGE}),
            ("create", {"PartitionKey": "p", "RowKey": "exists2"}),
            ("delete", {"PartitionKey": "p", "RowKey": "missing"}),
        ])
    assert error.value.index == 3
    assert [e["RowKey"] for e in table.list_entities()] == ["exists"]
    assert table.get_entity("p", "exists")["V"] == 1

    results = table.submit_transaction([("create", {"PartitionKey": "p", "RowKey": f"r{i}"}) for i in range(100)])
    assert len(results) == 100 and all("etag" in r for r in results)
    assert len(list(table.list_entities())) == 101


def test_bad_keys_are_refused(table):
    for key in ["has/slash", "has#hash", "has?question", "has\\backslash"]:
        with pytest.raises(HttpResponseError) as error:
            table.create_entity({"PartitionKey": "p", "RowKey": key})
        assert error.value.status_code == 400
    table.create_entity({"PartitionKey": "it's", "RowKey": "(a,b)='c'"})
    assert table.get_entity("it's", "(a,b)='c'")["RowKey"] == "(a,b)='c'"


def test_table_listing_and_errors(service, unique_name):
    names = [f"{unique_name}x{i}" for i in range(5)]
    for name in names:
        service.create_table(name)
    with pytest.raises(ResourceExistsError):
        service.create_table(names[0].upper())
    listed = [t.name for t in service.query_tables("TableName ge @a and TableName le @b",
                                                     parameters={"a": names[1], "b": names[3]})]
    assert listed == names[1:4]
    pages = [[t.name for t in page] for page in service.list_tables(results_per_page=2).by_page()]
    assert all(len(p) <= 2 for p in pages) and set(names) <= set(sum(pages, []))
    for name in names:
        service.delete_table(name)
    with pytest.raises(ResourceNotFoundError):
        service.get_table_client(names[0]).create_entity({"PartitionKey": "p", "RowKey": "r"})
    # The SDK recognises Azure's InvalidResourceName message and turns it into its own ValueError.
    with pytest.raises(ValueError):
        service.create_table("1invalid")


def test_table_sas_with_key_range_and_account_sas(emulator, table):
    for pk in "abc":
        table.create_entity({"PartitionKey": pk, "RowKey": "1"})
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    sas = generate_table_sas(CREDENTIAL, table.table_name, permission=TableSasPermissions(read=True, add=True),
                             expiry=expiry, start_pk="b", end_pk="b")
    limited = TableClient(emulator.url("Table"), table.table_name, credential=AzureSasCredential(sas))
    assert [e["PartitionKey"] for e in limited.list_entities()] == ["b"]
    limited.create_entity({"PartitionKey": "b", "RowKey": "2"})
    with pytest.raises(HttpResponseError) as error:
        limited.create_entity({"PartitionKey": "c", "RowKey": "2"})
    assert error.value.status_code == 403
    with pytest.raises(HttpResponseError) as error:
        limited.delete_entity("b", "1")
    assert error.value.status_code == 403

    account = generate_account_sas(CREDENTIAL, resource_types=ResourceTypes(service=True, container=True, object=True),
                                   permission=AccountSasPermissions(read=True, list=True), expiry=expiry)
    reader = TableServiceClient(emulator.url("Table"), credential=AzureSasCredential(account))
    assert table.table_name in [t.name for t in reader.list_tables()]
    assert len(list(reader.get_table_client(table.table_name).list_entities())) == 4
    with pytest.raises(HttpResponseError) as error:
        reader.get_table_client(table.table_name).create_entity({"PartitionKey": "z", "RowKey": "z"})
    assert error.value.status_code == 403


def test_wrong_key_is_rejected(emulator, unique_name):
    bad = emulator.connection_string.replace(KEY, "AAAA" + KEY[4:])
    with pytest.raises(ClientAuthenticationError):
        TableServiceClient.from_connection_string(bad).create_table(unique_name)


def test_entities_survive_kill_9(unique_name):
    emulator = start_emulator(services=("table",))
    try:
        client = TableClient.from_connection_string(emulator.connection_string, unique_name)
        client.create_table()
        client.submit_transaction([("create", {"PartitionKey": "p", "RowKey": f"{i:02d}", "N": i}) for i in range(50)])
        client.upsert_entity({"PartitionKey": "q", "RowKey": "single", "When": datetime(2020, 5, 6, tzinfo=timezone.utc)})
        emulator.stop(signal.SIGKILL)
        restarted = start_emulator(location=emulator.location, services=("table",))
        try:
            client = TableClient.from_connection_string(restarted.connection_string, unique_name)
            assert len(list(client.query_entities("PartitionKey eq 'p'"))) == 50
            assert client.get_entity("q", "single")["When"] == datetime(2020, 5, 6, tzinfo=timezone.utc)
        finally:
            restarted.stop()
    finally:
        emulator.stop()
        shutil.rmtree(emulator.location, ignore_errors=True)

"""Helpers for run.sh: set-up, the SDK-driven measurements, and counts that check the wrk phases.

Every measurement uses Microsoft's SDKs with default settings, as a client of the emulator would.
"""
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

from azure.core.credentials import AzureNamedKeyCredential
from azure.data.tables import EdmType, EntityProperty, TableClient, TableServiceClient
from azure.data.tables import AccountSasPermissions as TableAccountPermissions
from azure.data.tables import ResourceTypes as TableResourceTypes
from azure.data.tables import generate_account_sas as table_account_sas
from azure.storage.queue import AccountSasPermissions, QueueClient, QueueServiceClient, ResourceTypes
from azure.storage.queue import generate_account_sas as queue_account_sas

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
CREDENTIAL = AzureNamedKeyCredential(ACCOUNT, KEY)


def table_service(url):
    return TableServiceClient(f"{url}/{ACCOUNT}", credential=CREDENTIAL)


def row(n, partition):
    return {
        "PartitionKey": partition, "RowKey": f"photos%2F{n:012d}.jpg", "Sha256": f"{n:064x}",
        "Size": EntityProperty(1_000_000 + n * 997 % 9_000_000, EdmType.INT64),
        "Mtime": datetime(2024, 5, 6, tzinfo=timezone.utc) + timedelta(seconds=n),
        "ContentType": "image/jpeg" if n % 4 else "image/heic", "Width": 4032 if n % 2 else 3024,
        "Height": 3024, "Deleted": n % 10 == 0,
    }


def prepare(queue_url, table_url):
    table_service(table_url).create_table("bench")
    table_service(table_url).create_table("benchbatch")
    QueueServiceClient(f"{queue_url}/{ACCOUNT}", credential={"account_name": ACCOUNT, "account_key": KEY}).create_queue("bench")
    expiry = datetime.now(timezone.utc) + timedelta(hours=6)
    print(table_account_sas(CREDENTIAL, resource_types=TableResourceTypes(service=True, container=True, object=True),
                            permission=TableAccountPermissions(read=True, write=True, add=True, update=True, list=True),
                            expiry=expiry))
    print(queue_account_sas(ACCOUNT, KEY, resource_types=ResourceTypes(service=True, container=True, object=True),
                            permission=AccountSasPermissions(read=True, add=True, process=True, update=True),
                            expiry=expiry))


def count_table(table_url, name):
    client = table_service(table_url).get_table_client(name)
    print(sum(1 for _ in client.list_entities(select=["RowKey"])))


def query(table_url, size):
    """A filter on non-key properties over a table of `size` entities, every page read; median of 5 runs."""
    table_service(table_url).create_table("benchquery")
    client = TableClient(f"{table_url}/{ACCOUNT}", "benchquery", credential=CREDENTIAL)
    for b in range(size // 100):
        client.submit_transaction([("upsert", row(b * 100 + i, f"lib{b % 10}")) for i in range(100)])
    flt = "ContentType eq 'image/jpeg' and Width gt 3500 and Size ge 2000000L and Deleted eq false"
    times, matched = [], 0
    for _ in range(5):
        start = time.perf_counter()
        matched = sum(1 for _ in client.query_entities(flt))
        times.append(time.perf_counter() - start)
    print(f"{size} entities scanned, {matched} returned in {statistics.median(times):.3f} s "
          f"(median of 5, every page through azure-data-tables): \"{flt}\"")


def queue_count(queue_url):
    client = QueueClient(f"{queue_url}/{ACCOUNT}", "bench", credential={"account_name": ACCOUNT, "account_key": KEY})
    print(client.get_queue_properties().approximate_message_count)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"prepare": prepare, "count-table": count_table,
     "query": lambda u, s: query(u, int(s)), "queue-count": queue_count}[command](*args)

/// The built-in price table: Azure's public list prices for one region, with the date they were taken.
/// Kept as the TOML text itself, so `ironviper cost --print-prices` hands out the exact file to copy and edit,
/// and the default goes through the same parser as any other region's.
extension PriceTable {
    package static let defaultText = """
        # Prices `ironviper cost` uses unless --prices names another file of this shape (`ironviper cost
        # --print-prices` prints this default). Azure Blob Storage list prices, pay-as-you-go, locally
        # redundant (LRS), general-purpose v2, region East US, in USD, as recorded for late 2024: they were
        # NOT re-checked against https://azure.microsoft.com/pricing/details/storage/blobs/ when this table
        # was written (no network). Prices change: copy this file, put your region's in, pass it with --prices.
        # Every key is required.
        region = "eastus"
        redundancy = "LRS"
        currency = "USD"
        taken = "2024-11, unverified"

        # Per GB and month, by access tier (first 50 TB).
        [storage]
        Hot = 0.018
        Cool = 0.01
        Cold = 0.0036
        Archive = 0.00099

        # Per 10,000 requests, by the tier of the blob: Put Blob, Put Block, Put Block List, Copy, Set Tier.
        [write]
        Hot = 0.05
        Cool = 0.10
        Cold = 0.18
        Archive = 0.10

        # Per 10,000 requests: Get Blob, Get Block List (Archive: standard-priority rehydration reads).
        [read]
        Hot = 0.004
        Cool = 0.01
        Cold = 0.10
        Archive = 5.00

        # Per GB read out of the tier (retrieval), on top of the read requests.
        [retrieval]
        Hot = 0.0
        Cool = 0.01
        Cold = 0.03
        Archive = 0.02

        # Per 10,000 requests: List Blobs, List Containers, Create Container.
        [list]
        Hot = 0.05
        Cool = 0.05
        Cold = 0.05
        Archive = 0.05

        # Per 10,000 requests: Get Blob Properties and every other blob operation.
        [other]
        Hot = 0.004
        Cool = 0.004
        Cold = 0.004
        Archive = 0.004

        # Days a blob is billed for at least, when deleted (or moved) sooner: early deletion.
        [minimum_days]
        Hot = 0
        Cool = 30
        Cold = 90
        Archive = 180

        [table]
        transactions = 0.00036   # per 10,000 (an entity group transaction counts as one request here)
        storage = 0.045          # per GB and month

        [queue]
        operations = 0.004       # per 10,000
        """
}

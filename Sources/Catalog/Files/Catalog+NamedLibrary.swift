import Foundation
import GRDB

extension Catalog {
    /// The library a daemon's configuration names, made to match it: the name is the cloud tables'
    /// PartitionKey and outlives the folder, so a library whose folder moved keeps its name and rows
    /// (its root is updated), and a folder given a new name in the configuration is renamed.
    package func library(named name: String, root: String) throws -> LibraryRecord {
        try write { db in
            let byName = try LibraryRecord.filter(Column("name") == name).fetchOne(db)
            let byRoot = try LibraryRecord.filter(Column("root") == root).fetchOne(db)
            switch (byName, byRoot) {
            case (let named?, let rooted?) where named.id == rooted.id:
                return named
            case (_?, _?):
                throw CatalogError(
                    .badQuery, root,
                    detail: "library \"\(name)\" and the library at this folder are different catalog entries; "
                        + "rename or remove one of them in the configuration")
            case (var named?, nil):
                named.root = root
                try named.update(db)
                try OutboxWriter.librarySeen(named, db: db)
                return named
            case (nil, var rooted?):
                rooted.name = name
                try rooted.update(db)
                try OutboxWriter.librarySeen(rooted, db: db)
                return rooted
            case (nil, nil):
                var record = LibraryRecord(id: nil, name: name, root: root, createdAt: Timestamp.now())
                try record.insert(db)
                try OutboxWriter.librarySeen(record, db: db)
                return record
            }
        }
    }
}

import GRDB

/// A member of a duplicate group.
package struct DuplicateMember: Sendable, Codable, Equatable {
    /// The asset (content) id.
    package var assetId: Int64
    /// Content hash.
    package var sha256: String
    /// Bits differing from the group's first member (0 for exact duplicates).
    package var distance: Int
    /// Every present path with this content, `library/relative/path`.
    package var paths: [String]
}

extension Catalog {
    /// Contents present under more than one path: each group is one asset and its paths.
    package func exactDuplicateGroups() throws -> [[DuplicateMember]] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, f.sha256, l.name || '/' || f.path AS path
                    FROM files f JOIN libraries l ON l.id = f.library_id JOIN assets a ON a.sha256 = f.sha256
                    WHERE f.state = 'present' AND f.sha256 IN (
                        SELECT sha256 FROM files WHERE state = 'present' AND sha256 IS NOT NULL
                        GROUP BY sha256 HAVING count(*) > 1)
                    ORDER BY f.sha256, path
                    """)
            var groups: [String: DuplicateMember] = [:]
            var order: [String] = []
            for row in rows {
                let sha: String = row["sha256"]
                if groups[sha] == nil {
                    order.append(sha)
                    groups[sha] = DuplicateMember(assetId: row["id"], sha256: sha, distance: 0, paths: [])
                }
                groups[sha]!.paths.append(row["path"])
            }
            return order.map { [groups[$0]!] }
        }
    }

    /// Different contents whose perceptual hashes differ in at most `maxDistance` bits, grouped
    /// transitively. Compares every pair: 50 M pairs (10 000 photos) take well under a second.
    package func nearDuplicateGroups(maxDistance: Int = 10) throws -> [[DuplicateMember]] {
        let (hashes, paths) = try read { db in
            let hashes = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, sha256, phash FROM assets WHERE phash IS NOT NULL
                    AND id IN (SELECT asset_id FROM files WHERE state = 'present') ORDER BY id
                    """
            ).map {
                (id: $0["id"] as Int64, sha: $0["sha256"] as String, hash: UInt64(bitPattern: $0["phash"] as Int64))
            }
            var paths: [Int64: [String]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT f.asset_id, l.name || '/' || f.path AS path FROM files f JOIN libraries l ON l.id = f.library_id
                    WHERE f.state = 'present' AND f.asset_id IS NOT NULL ORDER BY path
                    """)
            {
                paths[row["asset_id"], default: []].append(row["path"])
            }
            return (hashes, paths)
        }
        var parent = Array(0..<hashes.count)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        let values = hashes.map(\.hash)
        for i in 0..<values.count {
            for j in (i + 1)..<max(i + 1, values.count) where (values[i] ^ values[j]).nonzeroBitCount <= maxDistance {
                let a = root(i)
                let b = root(j)
                if a != b { parent[b] = a }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in 0..<hashes.count { groups[root(i), default: []].append(i) }
        return groups.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }.map { members in
            let first = values[members[0]]
            return members.map { index in
                DuplicateMember(
                    assetId: hashes[index].id, sha256: hashes[index].sha,
                    distance: (first ^ values[index]).nonzeroBitCount, paths: paths[hashes[index].id] ?? [])
            }
        }
    }
}

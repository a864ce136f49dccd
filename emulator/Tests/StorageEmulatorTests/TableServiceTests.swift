import Foundation
import StorageEmulator
import Testing

/// The Table service through HTTP against the in-process emulator: ETags, conditional writes,
/// batch atomicity, queries with continuation, persistence across a restart.
@Suite struct TableServiceTests {
    func withTable(
        location: String? = nil, _ body: (TableTestClient, String) async throws -> Void
    ) async throws {
        let emulator = try await RunningEmulator.start(configuration: .ephemeral(location: location))
        let client = TableTestClient(endpoint: emulator.endpoint(.table), service: .table)
        let table = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        do {
            let created = try await client.send("POST", "/Tables", body: Data(#"{"TableName":"\#(table)"}"#.utf8))
            #expect(created.status == 201)
            try await body(client, table)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    static func entity(_ partition: String, _ row: String, _ extra: String = "") -> Data {
        Data(#"{"PartitionKey":"\#(partition)","RowKey":"\#(row)"\#(extra)}"#.utf8)
    }

    @Test func etagsGuardUpdatesAndDeletes() async throws {
        try await withTable { client, table in
            let inserted = try await client.send("POST", "/\(table)", body: Self.entity("p", "r", #","V":1"#))
            #expect(inserted.status == 201)
            let etag = try #require(inserted.header("etag"))
            #expect(etag.hasPrefix("W/\"datetime'"))

            let duplicate = try await client.send("POST", "/\(table)", body: Self.entity("p", "r"))
            #expect(duplicate.status == 409)
            #expect(duplicate.errorCode == "EntityAlreadyExists")

            let path = "/\(table)(PartitionKey='p',RowKey='r')"
            let updated = try await client.send("PUT", path, headers: ["If-Match": etag], body: Self.entity("p", "r", #","V":2"#))
            #expect(updated.status == 204)
            let newETag = try #require(updated.header("etag"))
            #expect(newETag != etag)

            let stale = try await client.send("MERGE", path, headers: ["If-Match": etag], body: Self.entity("p", "r", #","W":3"#))
            #expect(stale.status == 412)
            #expect(stale.errorCode == "UpdateConditionNotSatisfied")
            let staleDelete = try await client.send("DELETE", path, headers: ["If-Match": etag])
            #expect(staleDelete.status == 412)

            let merged = try await client.send("MERGE", path, headers: ["If-Match": "*"], body: Self.entity("p", "r", #","W":3"#))
            #expect(merged.status == 204)
            let read = try await client.send("GET", path)
            let object = try #require(try read.json() as? [String: Any])
            #expect(object["V"] as? Int == 2)
            #expect(object["W"] as? Int == 3)
            #expect(read.header("etag") == merged.header("etag"))

            let missing = try await client.send("PUT", "/\(table)(PartitionKey='p',RowKey='nope')", headers: ["If-Match": "*"], body: Self.entity("p", "nope"))
            #expect(missing.status == 404)
            #expect(missing.errorCode == "ResourceNotFound")
            let deleted = try await client.send("DELETE", path, headers: ["If-Match": try #require(merged.header("etag"))])
            #expect(deleted.status == 204)
            #expect(try await client.send("GET", path).status == 404)
        }
    }

    @Test func upsertsReplaceOrMergeWithoutAnETag() async throws {
        try await withTable { client, table in
            let path = "/\(table)(PartitionKey='p',RowKey='r')"
            #expect(try await client.send("PUT", path, body: Self.entity("p", "r", #","A":1,"B":1"#)).status == 204)
            #expect(try await client.send("PUT", path, body: Self.entity("p", "r", #","A":2"#)).status == 204)
            var object = try #require(try await client.send("GET", path).json() as? [String: Any])
            #expect(object["A"] as? Int == 2)
            #expect(object["B"] == nil)
            #expect(try await client.send("MERGE", path, body: Self.entity("p", "r", #","B":5"#)).status == 204)
            object = try #require(try await client.send("GET", path).json() as? [String: Any])
            #expect(object["A"] as? Int == 2)
            #expect(object["B"] as? Int == 5)
        }
    }

    static func batchBody(_ operations: [(method: String, path: String, body: String?)], table: String) -> Data {
        var text = "--batch_x\r\nContent-Type: multipart/mixed; boundary=changeset_y\r\n\r\n"
        for operation in operations {
            text += "--changeset_y\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            text += "\(operation.method) http://127.0.0.1/devstoreaccount1/\(operation.path) HTTP/1.1\r\n"
            text += "Accept: application/json;odata=minimalmetadata\r\nContent-Type: application/json\r\n"
            if operation.method == "DELETE" { text += "If-Match: *\r\n" }
            text += "\r\n" + (operation.body ?? "") + "\r\n"
        }
        text += "--changeset_y--\r\n--batch_x--\r\n"
        return Data(text.utf8)
    }

    @Test func aFailingBatchChangesNothingAndNamesTheOperation() async throws {
        try await withTable { client, table in
            #expect(try await client.send("POST", "/\(table)", body: Self.entity("p", "exists", #","V":1"#)).status == 201)
            let body = Self.batchBody(
                [
                    ("POST", table, #"{"PartitionKey":"p","RowKey":"new1"}"#),
                    ("MERGE", "\(table)(PartitionKey='p',RowKey='upserted')", #"{"V":2}"#),
                    ("POST", table, #"{"PartitionKey":"p","RowKey":"exists"}"#),
                    ("POST", table, #"{"PartitionKey":"p","RowKey":"new2"}"#),
                ], table: table)
            let reply = try await client.send(
                "POST", "/$batch", headers: ["Content-Type": "multipart/mixed; boundary=batch_x"], body: body)
            #expect(reply.status == 202)
            #expect(reply.text.contains("HTTP/1.1 409 Conflict"))
            #expect(reply.text.contains(#""code":"EntityAlreadyExists""#))
            #expect(reply.text.contains(#""value":"2:"#))
            #expect(try await client.send("GET", "/\(table)(PartitionKey='p',RowKey='new1')").status == 404)
            #expect(try await client.send("GET", "/\(table)(PartitionKey='p',RowKey='upserted')").status == 404)
            let existing = try #require(try await client.send("GET", "/\(table)(PartitionKey='p',RowKey='exists')").json() as? [String: Any])
            #expect(existing["V"] as? Int == 1)
        }
    }

    @Test func aSuccessfulBatchAppliesEveryOperation() async throws {
        try await withTable { client, table in
            let body = Self.batchBody(
                (0..<100).map { ("POST", table, #"{"PartitionKey":"p","RowKey":"r\#($0)"}"#) }, table: table)
            let reply = try await client.send(
                "POST", "/$batch", headers: ["Content-Type": "multipart/mixed; boundary=batch_x"], body: body)
            #expect(reply.status == 202)
            #expect(reply.text.components(separatedBy: "HTTP/1.1 201 Created").count == 101)
            let page = try #require(try await client.send("GET", "/\(table)()").json() as? [String: Any])
            #expect((page["value"] as? [Any])?.count == 100)

            let tooMany = Self.batchBody((0..<101).map { ("POST", table, #"{"PartitionKey":"p","RowKey":"x\#($0)"}"#) }, table: table)
            let refused = try await client.send(
                "POST", "/$batch", headers: ["Content-Type": "multipart/mixed; boundary=batch_x"], body: tooMany)
            #expect(refused.text.contains("InvalidInput"))
            let twoPartitions = Self.batchBody(
                [("POST", table, #"{"PartitionKey":"a","RowKey":"1"}"#), ("POST", table, #"{"PartitionKey":"b","RowKey":"1"}"#)],
                table: table)
            let mixed = try await client.send(
                "POST", "/$batch", headers: ["Content-Type": "multipart/mixed; boundary=batch_x"], body: twoPartitions)
            #expect(mixed.text.contains("CommandsInBatchActOnDifferentPartitions"))
            #expect(try await client.send("GET", "/\(table)(PartitionKey='a',RowKey='1')").status == 404)
        }
    }

    @Test func queriesFilterAndPageWithContinuationTokens() async throws {
        try await withTable { client, table in
            for row in 0..<25 {
                let body = Self.entity(row % 2 == 0 ? "even" : "odd", String(format: "%03d", row), #","N":\#(row)"#)
                #expect(try await client.send("POST", "/\(table)", headers: ["Prefer": "return-no-content"], body: body).status == 204)
            }
            var seen: [Int] = []
            var query = "$filter=" + "N ge 4 and PartitionKey eq 'even'".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&$top=3"
            var pages = 0
            while pages < 20 {
                let reply = try await client.send("GET", "/\(table)()?\(query)")
                #expect(reply.status == 200)
                let page = try #require(try reply.json() as? [String: Any])
                seen += ((page["value"] as? [[String: Any]]) ?? []).compactMap { $0["N"] as? Int }
                pages += 1
                guard let partition = reply.header("x-ms-continuation-NextPartitionKey") else { break }
                let row = try #require(reply.header("x-ms-continuation-NextRowKey"))
                query = query.components(separatedBy: "&NextPartitionKey")[0]
                    + "&NextPartitionKey=\(partition.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                    + "&NextRowKey=\(row.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            }
            #expect(seen == [4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24])
            #expect(pages == 4)
            let malformed = try await client.send("GET", "/\(table)()?$filter=N%20eq%20eq")
            #expect(malformed.status == 400)
            #expect(malformed.errorCode == "InvalidInput")
            #expect(malformed.text.contains("odata.error"))
        }
    }

    @Test func tablesSurviveARestart() async throws {
        let location = FileManager.default.temporaryDirectory.appendingPathComponent("qt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: location) }
        var tableName = ""
        try await withTable(location: location) { client, table in
            tableName = table
            let body = Self.entity("p", "r", #","Big@odata.type":"Edm.Int64","Big":"9007199254740993""#)
            let inserted = try await client.send("POST", "/\(table)", body: body)
            #expect(inserted.status == 201)
        }
        let emulator = try await RunningEmulator.start(configuration: .ephemeral(location: location))
        let client = TableTestClient(endpoint: emulator.endpoint(.table), service: .table)
        let reply = try await client.send("GET", "/\(tableName)(PartitionKey='p',RowKey='r')")
        await emulator.shutdown()
        #expect(reply.status == 200)
        #expect(reply.text.contains(#""Big@odata.type":"Edm.Int64","Big":"9007199254740993""#))
    }

    @Test func tableNamesAreValidatedAndCaseInsensitive() async throws {
        try await withTable { client, table in
            let duplicate = try await client.send("POST", "/Tables", body: Data(#"{"TableName":"\#(table.uppercased())"}"#.utf8))
            #expect(duplicate.status == 409)
            #expect(duplicate.errorCode == "TableAlreadyExists")
            let invalid = try await client.send("POST", "/Tables", body: Data(#"{"TableName":"1bad"}"#.utf8))
            #expect(invalid.status == 400)
            #expect(invalid.errorCode == "InvalidResourceName")
            #expect(try await client.send("POST", "/\(table.uppercased())", body: Self.entity("p", "r")).status == 201)
            let unsigned = try await client.send("GET", "/Tables", signed: false)
            #expect(unsigned.status == 403)
            #expect(try await client.send("DELETE", "/Tables('\(table)')").status == 204)
            #expect(try await client.send("GET", "/\(table)()").errorCode == "TableNotFound")
        }
    }
}

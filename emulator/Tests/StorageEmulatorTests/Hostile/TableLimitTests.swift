import Foundation
import Testing

@testable import StorageEmulator

/// Azure's Table limits at their boundaries (entity 1 MiB, 252 custom properties besides PartitionKey, RowKey and
/// Timestamp, property names of 255 characters, strings of 64 KiB, a 4 MiB batch, table names), each followed by
/// a normal request. The batch's 100 operations and single partition are pinned by `TableServiceTests`.
@Suite struct TableLimitTests {
    func withTable(_ body: (TableTestClient, String, RunningEmulator) async throws -> Void) async throws {
        let emulator = try await RunningEmulator.start(configuration: .ephemeral())
        let client = TableTestClient(endpoint: emulator.endpoint(.table), service: .table)
        do {
            #expect(try await client.send("POST", "/Tables", body: Data(#"{"TableName":"limits"}"#.utf8)).status == 201)
            try await body(client, "limits", emulator)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    /// A normal request after the abuse: an insert, read back.
    static func expectServing(_ client: TableTestClient, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let row = UUID().uuidString
        let insert = try await client.send("POST", "/limits", body: Data(#"{"PartitionKey":"n","RowKey":"\#(row)"}"#.utf8))
        #expect(insert.status == 201, sourceLocation: sourceLocation)
        let read = try await client.send("GET", "/limits(PartitionKey='n',RowKey='\(row)')")
        #expect(read.status == 200, sourceLocation: sourceLocation)
    }

    /// An entity with these extra properties (name → JSON value text).
    static func entity(_ row: String, _ properties: [(String, String)]) -> Data {
        let extra = properties.map { #","\#($0.0)":\#($0.1)"# }.joined()
        return Data(#"{"PartitionKey":"p","RowKey":"\#(row)"\#(extra)}"#.utf8)
    }

    static func string(_ count: Int) -> String { "\"" + String(repeating: "s", count: count) + "\"" }

    func expectRefused(
        _ client: TableTestClient, _ body: Data, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let reply = try await client.send("POST", "/limits", body: body)
        #expect(reply.status == 400 && reply.errorCode == code, "\(reply.text.prefix(300))", sourceLocation: sourceLocation)
        try await Self.expectServing(client, sourceLocation: sourceLocation)
    }

    @Test func anEntityIsAtMost1MiB() async throws {
        try await withTable { client, _, _ in
            // The emulator sizes an entity as Azure's capacity guide does: keys 2 bytes a character + 8, each property
            // its name's 2 bytes a character + 8, a string 2 bytes a character + 4. With keys "p" and the row key
            // "r" (12 bytes) and 15 properties P00…P14 of 32,768 characters (65,554 bytes each), a 16th property
            // of 32,618 characters brings the entity to exactly 1,048,576 bytes.
            let full = (0..<15).map { (String(format: "P%02d", $0), Self.string(32_768)) }
            let at = try await client.send("POST", "/limits", body: Self.entity("r", full + [("P15", Self.string(32_618))]))
            #expect(at.status == 201, "\(at.text.prefix(300))")
            try await expectRefused(client, Self.entity("s", full + [("P15", Self.string(32_619))]), "EntityTooLarge")
        }
    }

    @Test func anEntityHasAtMost252CustomProperties() async throws {
        try await withTable { client, _, _ in
            let properties = (0..<253).map { ("P\($0)", "1") }
            #expect(try await client.send("POST", "/limits", body: Self.entity("r", Array(properties.prefix(252)))).status == 201)
            try await expectRefused(client, Self.entity("s", properties), "TooManyProperties")
        }
    }

    @Test func propertyNamesAreAtMost255Characters() async throws {
        try await withTable { client, _, _ in
            let name = "N" + String(repeating: "n", count: 254)
            #expect(try await client.send("POST", "/limits", body: Self.entity("r", [(name, "1")])).status == 201)
            try await expectRefused(client, Self.entity("s", [(name + "n", "1")]), "PropertyNameTooLong")
        }
    }

    @Test func aStringPropertyIsAtMost64KiB() async throws {
        try await withTable { client, _, _ in
            // Strings are UTF-16: 32,768 characters are 64 KiB.
            #expect(try await client.send("POST", "/limits", body: Self.entity("r", [("S", Self.string(32_768))])).status == 201)
            try await expectRefused(client, Self.entity("s", [("S", Self.string(32_769))]), "PropertyValueTooLarge")
        }
    }

    @Test func aBatchOver4MiBIsRefusedFromItsContentLength() async throws {
        try await withTable { client, _, emulator in
            let raw = RawHTTPClient(port: try #require(emulator.ports[.table]))
            let sas = TestSAS.account(services: "t", resourceTypes: "sco", permissions: "raud")
            let headers = ["Content-Type": "multipart/mixed; boundary=batch_x", "Accept": "application/json"]
            let over = try await raw.declaring(
                length: 4 * 1024 * 1024 + 1, "POST", "/devstoreaccount1/$batch?\(sas)", headers: headers)
            #expect(over.status == 413 && over.headers["x-ms-error-code"] == "RequestBodyTooLarge", "\(over.text)")
            let at = try await raw.declaring(
                length: 4 * 1024 * 1024, "POST", "/devstoreaccount1/$batch?\(sas)", headers: headers)
            #expect(at.status == 400, "cut short, not too large: \(at.text)")
            try await Self.expectServing(client)
        }
    }

    @Test func tableNamesFollowAzuresRules() async throws {
        try await withTable { client, _, _ in
            for valid in ["abc", "A" + String(repeating: "b", count: 62), "t123"] {
                let created = try await client.send("POST", "/Tables", body: Data(#"{"TableName":"\#(valid)"}"#.utf8))
                #expect(created.status == 201, "\(valid)")
            }
            // A name of the wrong length is out of range, as Azure says it.
            for name in ["ab", "a" + String(repeating: "b", count: 63)] {
                let refused = try await client.send("POST", "/Tables", body: Data(#"{"TableName":"\#(name)"}"#.utf8))
                #expect(refused.status == 400 && refused.errorCode == "OutOfRangeInput", "\(name)")
            }
            for invalid in ["1abc", "a-bc", "tables"] {
                let refused = try await client.send("POST", "/Tables", body: Data(#"{"TableName":"\#(invalid)"}"#.utf8))
                #expect(refused.status == 400 && refused.errorCode == "InvalidResourceName", "\(invalid): \(refused.errorCode ?? "-")")
                try await Self.expectServing(client)
            }
        }
    }
}

import Foundation
@testable import StorageEmulator
import Testing

/// A filter of 25,000 nested parentheses sent to a running emulator, as any SAS holder could: it used to overflow
/// the parser's stack and take the whole process (and the daemon embedding it) down. Now it is Azure's 400.
@Suite struct DeepFilterOverHTTPTests {
    static let deepFilter =
        String(repeating: "(", count: 25_000) + "PartitionKey%20eq%20'p'" + String(repeating: ")", count: 25_000)

    @Test func queryEntitiesAndQueryTablesRefuseADeepFilter() async throws {
        let emulator = try await RunningEmulator.start()
        do {
            let client = TableTestClient(endpoint: emulator.endpoint(.table), service: .table)
            let created = try await client.send("POST", "/Tables", body: Data(#"{"TableName":"deep"}"#.utf8))
            #expect(created.status == 201)
            for path in ["/deep()", "/Tables"] {
                let refused = try await client.send("GET", "\(path)?$filter=\(Self.deepFilter)")
                #expect(refused.status == 400 && refused.errorCode == "InvalidInput", "\(path): \(refused.status)")
                #expect(refused.text.contains("more than \(ODataFilter.maximumNesting) deep"), "\(path)")
            }
            // The server is still up and answers the next request.
            #expect(try await client.send("GET", "/deep()?$filter=PartitionKey%20eq%20'p'").status == 200)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }
}

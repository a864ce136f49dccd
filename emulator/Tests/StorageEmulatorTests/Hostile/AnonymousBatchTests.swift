import Foundation
import StorageEmulator
import Testing

/// An anonymous `$batch` used to be read and parsed, then answered 202 with each operation refused inside: the
/// server did the work for a client that had no right to any of it. Azure refuses the whole request with a 403.
@Suite struct AnonymousBatchTests {
    @Test func anAnonymousBatchIsRefusedWholeBeforeItsBodyIsParsed() async throws {
        let emulator = try await RunningEmulator.start()
        do {
            let client = TableTestClient(endpoint: emulator.endpoint(.table), service: .table)
            #expect(try await client.send("POST", "/Tables", body: Data(#"{"TableName":"anon"}"#.utf8)).status == 201)
            let headers = ["Content-Type": "multipart/mixed; boundary=batch_x"]
            let valid = TableServiceTests.batchBody(
                [("POST", "anon", #"{"PartitionKey":"p","RowKey":"r"}"#)], table: "anon")
            for body in [valid, Data("not a multipart body".utf8)] {
                let refused = try await client.send("POST", "/$batch", headers: headers, body: body, signed: false)
                #expect(refused.status == 403 && refused.errorCode == "AuthenticationFailed", "\(refused.text)")
            }
            let signed = try await client.send("POST", "/$batch", headers: headers, body: valid)
            #expect(signed.status == 202, "the same batch, signed, goes through")
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }
}

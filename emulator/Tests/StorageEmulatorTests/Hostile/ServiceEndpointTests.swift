import Foundation
import StorageEmulator
import Testing

/// Listings and OData metadata name the host and port the client reached, from its `Host` header. They used to say
/// `127.0.0.1:10000` (the default port) whatever port the service listened on: the HTTP codec moves `Host` into the
/// request's authority, and the services looked for the header.
@Suite struct ServiceEndpointTests {
    @Test func listingsAndMetadataNameThePortTheClientReached() async throws {
        try await withEmulator { emulator, client in
            let blobPort = try #require(emulator.ports[.blob])
            let containers = try await client.send("GET", "/", query: [("comp", "list")])
            #expect(containers.text.contains(#"ServiceEndpoint="http://127.0.0.1:\#(blobPort)/devstoreaccount1/""#))

            let queuePort = try #require(emulator.ports[.queue])
            let queues = try await TableTestClient(endpoint: emulator.endpoint(.queue), service: .queue)
                .send("GET", "/?comp=list")
            #expect(queues.text.contains(#"ServiceEndpoint="http://127.0.0.1:\#(queuePort)/devstoreaccount1/""#))

            let tablePort = try #require(emulator.ports[.table])
            let tables = try await TableTestClient(endpoint: emulator.endpoint(.table), service: .table)
                .send("GET", "/Tables")
            let metadata = try #require(try tables.json() as? [String: Any])["odata.metadata"] as? String
            #expect(metadata == "http://127.0.0.1:\(tablePort)/devstoreaccount1/$metadata#Tables")
        }
    }
}

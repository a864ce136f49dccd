import Foundation
import Testing

@testable import StorageEmulator

/// A SAS's `sip` (client addresses) and `spr` (protocols) over a real socket, where the server knows the peer
/// (127.0.0.1) and the protocol (http). `sip` used to be parsed and then ignored.
@Suite struct SASClientRestrictionsTests {
    func withContainer(_ body: (RawHTTPClient) async throws -> Void) async throws {
        try await withEmulator { emulator, client in
            #expect(try await client.send("PUT", "/box", query: [("restype", "container")]).status == 201)
            #expect(try await client.send("PUT", "/box/b", headers: ["x-ms-blob-type": "BlockBlob"]).status == 201)
            try await body(RawHTTPClient(port: try #require(emulator.ports[.blob])))
        }
    }

    func get(_ raw: RawHTTPClient, _ extra: [(String, String)]) async throws -> RawHTTPClient.Exchange {
        let sas = TestSAS.container("box", permissions: "r", extra: extra)
        return try await raw.exchange("GET", "/devstoreaccount1/box/b?" + sas)
    }

    @Test func aClientOutsideTheSASAddressRangeIsRefused() async throws {
        try await withContainer { raw in
            for sip in ["10.9.8.7", "10.0.0.0-10.255.255.255", "::2"] {
                let refused = try await get(raw, [("sip", sip)])
                #expect(refused.status == 403, "sip=\(sip)")
                #expect(refused.headers["x-ms-error-code"] == "AuthorizationSourceIPMismatch", "sip=\(sip)")
                #expect(refused.text.contains("127.0.0.1"), "the error names the client's address")
            }
            for sip in ["127.0.0.1", "127.0.0.0-127.255.255.255"] {
                #expect(try await get(raw, [("sip", sip)]).status == 200, "sip=\(sip)")
            }
        }
    }

    @Test func anHTTPSOnlySASIsRefusedOverHTTP() async throws {
        try await withContainer { raw in
            let refused = try await get(raw, [("spr", "https")])
            #expect(refused.status == 403 && refused.headers["x-ms-error-code"] == "AuthorizationProtocolMismatch")
            #expect(try await get(raw, [("spr", "https,http")]).status == 200)
        }
    }

    @Test func anIPv4MappedClientAddressMatchesAnIPv4Range() throws {
        let range = try #require(SASIPRange("10.0.0.0-10.0.0.255"))
        #expect(range.contains("::ffff:10.0.0.7"))
        #expect(!range.contains("::ffff:10.0.1.7"))
        #expect(!range.contains("::10.0.0.7"), "an IPv4-compatible (not mapped) address is IPv6")
    }
}

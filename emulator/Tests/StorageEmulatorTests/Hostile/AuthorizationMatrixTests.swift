import Foundation
import HTTPTypes
import Testing

@testable import StorageEmulator

/// Every operation of the route table (`OperationRoute.all`) × every way a credential can fall short, over a real
/// socket, against Azure's answers. The table is an exhaustive `switch` per service, so an operation added later is
/// in this matrix from the start.
///
/// Azure's answers, case by case (Azure's "Create an account SAS" / "Create a service SAS" pages, the common REST
/// error codes, and Azurite's authenticators where the pages are silent):
/// - no credentials: 403 AuthenticationFailed, except a read a public container would allow (Get Blob, its
///   properties, metadata and committed block list, Get Container Properties / Metadata, List Blobs): on a private
///   container Azure answers 404 ResourceNotFound, as if nothing were there;
/// - a SharedKey signature made with a wrong key, a SAS past its `se` or before its `st`, a SAS signed by another
///   account's key: 403 AuthenticationFailed (the signature or the window fails before any permission is read);
/// - `sip` leaving out the caller (127.0.0.1): 403 AuthorizationSourceIPMismatch; `spr=https` over http:
///   403 AuthorizationProtocolMismatch;
/// - an account SAS without the operation's permission: 403 AuthorizationPermissionMismatch; without its resource
///   type in `srt`: AuthorizationResourceTypeMismatch; without its service in `ss`: AuthorizationServiceMismatch;
/// - a service SAS without the permission: AuthorizationPermissionMismatch; for an operation no service SAS may do
///   (or no SAS at all: the ACLs): AuthorizationFailure;
/// - a container or queue SAS used on another container or queue: its signature covers the resource in the URL, so
///   it fails as AuthenticationFailed; a table SAS names its table in `tn`, so on another table it verifies and is
///   refused as AuthorizationFailure.
/// A SAS with exactly the declared permission is not refused (whatever the operation then answers), and after each
/// operation's refusals a normal request is still served.
@Suite struct AuthorizationMatrixTests {
    static let other = StorageAccount(name: "otheraccount", keys: [Array(repeating: 7, count: 64)])
    static let wrongKey = Data(repeating: 9, count: 64).base64EncodedString()
    /// Every permission letter Azure defines for any SAS kind.
    static let allLetters = "racwdxyltmeopuif"
    static let serviceLetter: [ServiceKind: String] = [.blob: "b", .queue: "q", .table: "t"]
    static let expired = [("st", "2019-01-01T00:00:00Z"), ("se", "2020-01-01T00:00:00Z")]
    static let notYetValid = [("st", "2098-01-01T00:00:00Z"), ("se", "2099-01-01T00:00:00Z")]

    /// One request of the matrix and the answer Azure gives it; `expected` nil means "not refused".
    struct Probe {
        var label: String
        var query: String = ""
        var headers: [String: String] = [:]
        var expected: (status: Int, code: String)?
        /// Sent again with resources that do not exist: a refusal must not depend on what is stored (a caller
        /// without the right would otherwise learn what exists).
        var absentToo = false
    }

    @Test func theRouteTableRoutesEachSampleToItsOwnOperation() throws {
        var routed: [String] = []
        for operation in BlobOperation.allCases {
            let route = operation.route
            let segments = route.path(Self.names(index: 0)).split(separator: "/").map(String.init)
            let query = Dictionary(route.query, uniquingKeysWith: { a, _ in a })
            let identified = BlobOperation.identify(
                method: .init(route.method)!, hasContainer: !segments.isEmpty, hasBlob: segments.count > 1,
                restype: query["restype"], comp: query["comp"],
                copySource: route.headers.contains { $0.0 == "x-ms-copy-source" })
            #expect(identified == operation, "\(route)")
            routed.append(route.name)
        }
        for operation in QueueOperation.allCases {
            let route = operation.route
            let segments = route.path(Self.names(index: 0)).split(separator: "/").map(String.init)
            let query = Dictionary(route.query, uniquingKeysWith: { a, _ in a })
            let identified = QueueOperation.identify(
                method: .init(route.method)!, segments: segments, comp: query["comp"],
                peekOnly: query["peekonly"] == "true")
            #expect(identified == operation, "\(route)")
        }
        for operation in TableOperation.allCases {
            let route = operation.route
            let segments = route.path(Self.names(index: 0)).split(separator: "/").map(String.init)
            let tunnelled = route.headers.first { $0.0 == "X-HTTP-Method" }?.1
            let identified = TableOperation.identify(
                path: try TableResourcePath.parse(segments), method: tunnelled ?? route.method,
                comp: route.query.first { $0.0 == "comp" }?.1)
            #expect(identified == operation, "\(route)")
        }
        #expect(
            OperationRoute.all.count
                == BlobOperation.allCases.count + QueueOperation.allCases.count + TableOperation.allCases.count)
        #expect(Set(routed).count == BlobOperation.allCases.count, "one route per operation")
    }

    @Test func everyOperationRefusesEveryWrongCredentialAsAzureDoes() async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.accounts = [.development, Self.other]
        configuration.unlinkGracePeriod = .zero
        let emulator = try await RunningEmulator.start(configuration: configuration)
        do {
            var probes = 0
            for (index, route) in OperationRoute.all.enumerated() {
                let port = try #require(emulator.ports[route.service])
                let raw = RawHTTPClient(port: port)
                var names = Self.names(index: index)
                try await Self.createFixtures(route.service, names, raw)
                let blobPort = try #require(emulator.ports[.blob])
                names["source"] =
                    "http://127.0.0.1:\(blobPort)/devstoreaccount1/\(names["container"]!)/\(names["blob"]!)?"
                    + TestSAS.blob(names["container"]!, names["blob"]!, permissions: "r")
                var absent = Self.names(index: index)
                for key in ["container", "queue", "table"] { absent[key] = "absent\(index)" }
                absent["source"] = names["source"]
                let probesOfRoute =
                    Self.probes(route, names).map { (names, $0) }
                    + Self.probes(route, absent).filter(\.absentToo).map { probe in
                        var probe = probe
                        probe.label += " (absent resource)"
                        return (absent, probe)
                    }
                for (names, probe) in probesOfRoute {
                    let reply = try await Self.send(route, names, probe, raw)
                    probes += 1
                    let (status, code) = Self.outcome(route, reply)
                    if let expected = probe.expected {
                        #expect(
                            status == expected.status && code == expected.code,
                            "\(route) \(probe.label): \(status) \(code ?? "-"), expected \(expected.status) \(expected.code) \(reply.text.prefix(300))"
                        )
                    } else {
                        #expect(
                            status != 403 && status != 401,
                            "\(route) \(probe.label) was refused: \(status) \(code ?? "-") \(reply.text.prefix(300))")
                    }
                }
                // The refusals left the service as it was: a normal request is still served.
                let normal = try await raw.exchange(
                    "GET", "/devstoreaccount1" + Self.listing(route.service) + "&" + Self.fullAccess(route.service),
                    headers: ["x-ms-version": "2025-11-05", "Accept": "application/json;odata=nometadata"])
                #expect(normal.status == 200, "\(route): a normal request after the matrix got \(normal.status ?? 0)")
            }
            #expect(probes >= OperationRoute.all.count * 15)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    /// Anonymous callers on public containers: full public access (`container`) opens every read the table marks
    /// `hidden`; blob-level access (`blob`) opens the blob reads only, and the container's own reads stay 404
    /// ResourceNotFound (Get Container ACL's page lists who may call what at each level). Nothing else opens.
    @Test(arguments: ["blob", "container"])
    func anonymousCallersReadExactlyWhatAPublicContainerOpens(_ level: String) async throws {
        try await withEmulator { emulator, client in
            let port = try #require(emulator.ports[.blob])
            let raw = RawHTTPClient(port: port)
            for (index, route) in OperationRoute.all.enumerated() where route.service == .blob {
                var names = Self.names(index: index)
                try await Self.createFixtures(.blob, names, raw)
                names["source"] = "http://127.0.0.1:\(port)/devstoreaccount1/\(names["container"]!)/\(names["blob"]!)"
                let acl = try await client.send(
                    "PUT", "/\(names["container"]!)", query: [("restype", "container"), ("comp", "acl")],
                    headers: ["x-ms-blob-public-access": level])
                #expect(acl.status == 200)
                let opens = route.access.anonymous == .hidden && (level == "container" || route.access.resourceType == .object)
                let reply = try await Self.send(route, names, Probe(label: "anonymous"), raw)
                let (status, code) = (reply.status ?? 0, reply.headers["x-ms-error-code"])
                if opens {
                    #expect(status / 100 == 2, "\(route) on a '\(level)' container: \(status) \(code ?? "-")")
                } else if route.access.anonymous == .hidden {
                    #expect(status == 404 && code == "ResourceNotFound", "\(route) on a '\(level)' container: \(status)")
                } else {
                    #expect(status == 403 && code == "AuthenticationFailed", "\(route) on a '\(level)' container: \(status)")
                }
            }
        }
    }

    // MARK: the cases

    /// The probes for one route: refusals with Azure's answer, then SAS tokens with exactly the declared permission.
    static func probes(_ route: OperationRoute, _ names: [String: String]) -> [Probe] {
        let access = route.access
        let resource = resourceName(route.service, names)
        let ss = serviceLetter[route.service]!
        let srt = access.resourceType.map { String($0.rawValue) } ?? "sco"
        let authFailed = (403, "AuthenticationFailed")
        var probes = [
            Probe(
                label: "anonymous",
                expected: access.anonymous == .hidden ? (404, "ResourceNotFound") : authFailed, absentToo: true),
            Probe(label: "wrong key", headers: wrongKeyHeaders(route, names), expected: authFailed),
        ]
        func account(_ letters: String, services: String = ss, types: String = srt, _ extra: [(String, String)] = [])
            -> String
        {
            TestSAS.account(services: services, resourceTypes: types, permissions: letters, extra: extra)
        }
        let granted = access.account.map { letters(of: $0) } ?? allLetters
        probes += [
            Probe(label: "account SAS expired", query: account(granted, expired), expected: authFailed),
            Probe(label: "account SAS not yet valid", query: account(granted, notYetValid), expected: authFailed),
            Probe(
                label: "account SAS of another account",
                query: TestSAS.account(services: ss, resourceTypes: srt, permissions: granted, account: other),
                expected: authFailed),
            Probe(
                label: "account SAS with sip=10.9.8.7", query: account(granted, [("sip", "10.9.8.7")]),
                expected: (403, "AuthorizationSourceIPMismatch")),
            Probe(
                label: "account SAS with spr=https", query: account(granted, [("spr", "https")]),
                expected: (403, "AuthorizationProtocolMismatch")),
            Probe(
                label: "account SAS for the other services",
                query: account(granted, services: "bqt".filter { String($0) != ss }),
                expected: (403, "AuthorizationServiceMismatch")),
        ]
        if let type = access.resourceType {
            probes.append(
                Probe(
                    label: "account SAS without srt=\(type.rawValue)",
                    query: account(granted, types: "sco".filter { $0 != type.rawValue }),
                    expected: (403, "AuthorizationResourceTypeMismatch")))
        }
        if let letters = access.account {
            if !letters.anyOf.isEmpty {
                probes.append(
                    Probe(
                        label: "account SAS without '\(letters.anyOf)'", query: account(lacking(letters)),
                        expected: (403, "AuthorizationPermissionMismatch"), absentToo: true))
            }
            probes.append(Probe(label: "account SAS with sp=\(granted)", query: account(granted), expected: nil))
        } else {
            probes.append(
                Probe(
                    label: "account SAS for an account-key-only operation", query: account(allLetters),
                    expected: (403, "AuthorizationFailure"), absentToo: true))
        }
        probes += serviceProbes(route, names, resource: resource)
        return probes
    }

    /// The service SAS cases: for the route's own container, queue or table, unless the route is at the service
    /// level of Blob or Queue, where no service SAS can even be signed for the URL.
    static func serviceProbes(_ route: OperationRoute, _ names: [String: String], resource: String) -> [Probe] {
        let access = route.access
        let authFailed = (403, "AuthenticationFailed")
        func sas(_ letters: String, _ extra: [(String, String)] = [], name: String? = nil, account: StorageAccount = .development)
            -> String
        {
            TestSAS.service(route.service, resource: name ?? resource, permissions: letters, extra: extra, account: account)
        }
        guard route.service == .table || route.path.contains("{") else {
            return [Probe(label: "service SAS on a service URL", query: sas(allLetters), expected: authFailed)]
        }
        let granted = access.service.map { letters(of: $0) } ?? allLetters
        var probes = [
            Probe(label: "service SAS expired", query: sas(granted, expired), expected: authFailed),
            Probe(label: "service SAS not yet valid", query: sas(granted, notYetValid), expected: authFailed),
            Probe(label: "service SAS of another account", query: sas(granted, account: other), expected: authFailed),
            Probe(
                label: "service SAS with sip=10.9.8.7", query: sas(granted, [("sip", "10.9.8.7")]),
                expected: (403, "AuthorizationSourceIPMismatch")),
            Probe(
                label: "service SAS with spr=https", query: sas(granted, [("spr", "https")]),
                expected: (403, "AuthorizationProtocolMismatch")),
            Probe(
                label: "service SAS for another resource", query: sas(granted, name: "elsewhere"),
                expected: route.service == .table ? (403, "AuthorizationFailure") : authFailed),
        ]
        guard let letters = access.service else {
            probes.append(
                Probe(
                    label: "service SAS for an operation no service SAS may do", query: sas(allLetters),
                    expected: (403, "AuthorizationFailure"), absentToo: true))
            return probes
        }
        if !letters.anyOf.isEmpty {
            probes.append(
                Probe(
                    label: "service SAS without '\(letters.anyOf)'", query: sas(lacking(letters)),
                    expected: (403, "AuthorizationPermissionMismatch"), absentToo: true))
        }
        probes.append(Probe(label: "service SAS with sp=\(granted)", query: sas(granted), expected: nil))
        return probes
    }

    /// Exactly the letters a declaration asks for (one letter if any will do).
    static func letters(of letters: OperationAccess.Letters) -> String {
        letters.anyOf.isEmpty ? "r" : letters.anyOf + letters.allOf
    }

    /// Every letter except the ones that would satisfy the declaration.
    static func lacking(_ letters: OperationAccess.Letters) -> String {
        allLetters.filter { !letters.anyOf.contains($0) && !letters.allOf.contains($0) }
    }

    // MARK: requests

    /// Resource names of route `index`: each route gets its own, so one route's writes cannot affect another's.
    static func names(index: Int) -> [String: String] {
        [
            "container": "matrix\(index)", "blob": "item", "appendblob": "log", "pageblob": "pages", "queue": "matrix\(index)",
            "table": "matrix\(index)",
        ]
    }

    static func resourceName(_ service: ServiceKind, _ names: [String: String]) -> String {
        switch service {
        case .blob: names["container"]!
        case .queue: names["queue"]!
        case .table: names["table"]!
        }
    }

    /// A listing of the service (path and first query parameter), the normal request after each route.
    static func listing(_ service: ServiceKind) -> String {
        service == .table ? "/Tables?$top=1" : "/?comp=list"
    }

    /// An account SAS with every permission on every resource type of the service.
    static func fullAccess(_ service: ServiceKind) -> String {
        TestSAS.account(services: serviceLetter[service]!, resourceTypes: "sco", permissions: allLetters)
    }

    /// The container and blob, the queue and a message, or the table and an entity the route works on.
    static func createFixtures(_ service: ServiceKind, _ names: [String: String], _ raw: RawHTTPClient) async throws {
        let sas = fullAccess(service)
        let version = ["x-ms-version": "2025-11-05"]
        switch service {
        case .blob:
            let container = names["container"]!
            let created = try await raw.exchange("PUT", "/devstoreaccount1/\(container)?restype=container&\(sas)", headers: version)
            let blob = try await raw.exchange(
                "PUT", "/devstoreaccount1/\(container)/\(names["blob"]!)?\(sas)",
                headers: version.merging(["x-ms-blob-type": "BlockBlob"]) { a, _ in a }, body: Array("data".utf8))
            // The append and page blob operations work on blobs of their own type.
            let log = try await raw.exchange(
                "PUT", "/devstoreaccount1/\(container)/\(names["appendblob"]!)?\(sas)",
                headers: version.merging(["x-ms-blob-type": "AppendBlob"]) { a, _ in a })
            let pages = try await raw.exchange(
                "PUT", "/devstoreaccount1/\(container)/\(names["pageblob"]!)?\(sas)",
                headers: version.merging(["x-ms-blob-type": "PageBlob", "x-ms-blob-content-length": "1024"]) { a, _ in a })
            #expect(
                created.status == 201 && blob.status == 201 && log.status == 201 && pages.status == 201,
                "blob fixtures for \(container)")
        case .queue:
            let queue = names["queue"]!
            let created = try await raw.exchange("PUT", "/devstoreaccount1/\(queue)?\(sas)", headers: version)
            let message = try await raw.exchange(
                "POST", "/devstoreaccount1/\(queue)/messages?\(sas)", headers: version,
                body: Array("<QueueMessage><MessageText>m</MessageText></QueueMessage>".utf8))
            #expect(created.status == 201 && message.status == 201, "queue fixtures for \(queue)")
        case .table:
            let table = names["table"]!
            let json = ["Content-Type": "application/json", "Accept": "application/json;odata=nometadata"]
            let created = try await raw.exchange(
                "POST", "/devstoreaccount1/Tables?\(sas)", headers: json, body: Array(#"{"TableName":"\#(table)"}"#.utf8))
            let entity = try await raw.exchange(
                "POST", "/devstoreaccount1/\(table)?\(sas)", headers: json,
                body: Array(#"{"PartitionKey":"p","RowKey":"r"}"#.utf8))
            #expect(created.status == 201 && entity.status == 201, "table fixtures for \(table)")
        }
    }

    static func target(_ route: OperationRoute, _ names: [String: String], _ sas: String) -> String {
        var query = route.query.map { "\($0.0)=\(TestSAS.encode($0.1))" }
        if !sas.isEmpty { query.append(sas) }
        return "/devstoreaccount1" + route.path(names) + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    static func send(
        _ route: OperationRoute, _ names: [String: String], _ probe: Probe, _ raw: RawHTTPClient
    ) async throws -> RawHTTPClient.Exchange {
        var headers = Dictionary(route.headers(names), uniquingKeysWith: { a, _ in a })
        headers["x-ms-version"] = "2025-11-05"
        headers.merge(probe.headers) { _, new in new }
        return try await raw.exchange(
            route.method, target(route, names, probe.query), headers: headers, body: Array(route.body(names).utf8))
    }

    /// A well-formed SharedKey header, dated now, signed with a key that is not the account's.
    static func wrongKeyHeaders(_ route: OperationRoute, _ names: [String: String]) -> [String: String] {
        let client = TestClient(base: "http://127.0.0.1/devstoreaccount1", key: wrongKey)
        var headers = ["x-ms-version": "2025-11-05", "x-ms-date": DateFormatter.rfc1123.string(from: Date())]
        headers["Authorization"] = client.sign(method: route.method, path: route.path(names), query: route.query, headers: headers)
        return headers
    }

    /// The status and error code; a Table batch answers 202 and carries its operation's answer inside.
    static func outcome(_ route: OperationRoute, _ reply: RawHTTPClient.Exchange) -> (Int, String?) {
        let status = reply.status ?? 0
        guard route.service == .table, route.name == TableOperation.batch.rawValue, status == 202 else {
            return (status, reply.headers["x-ms-error-code"])
        }
        let text = reply.text
        guard let line = text.range(of: #"HTTP/1\.1 \d{3}"#, options: .regularExpression) else { return (status, nil) }
        let inner = Int(text[line].suffix(3)) ?? 0
        let code = text.range(of: #""code":"[A-Za-z]+""#, options: .regularExpression).map {
            String(text[$0].dropFirst(8).dropLast())
        }
        return (inner, code)
    }
}

import HTTPTypes
import Testing

@testable import StorageEmulator

/// The dispatch of Blob operations from method, path and query, as Azure's REST reference defines it.
@Suite struct BlobOperationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var target: String
        var copySource = false
        var expected: BlobOperation?
        var testDescription: String { "\(method) \(target) → \(expected.map { "\($0)" } ?? "nil")" }
    }

    static let cases: [Case] = [
        Case(method: .get, target: "/acct?comp=list", expected: .listContainers),
        Case(method: .get, target: "/acct/?restype=service&comp=properties", expected: .getServiceProperties),
        Case(method: .put, target: "/acct/?restype=service&comp=properties", expected: .setServiceProperties),
        Case(method: .get, target: "/acct/?restype=account&comp=properties", expected: .getAccountInfo),
        Case(method: .put, target: "/acct/photos?restype=container", expected: .createContainer),
        Case(method: .head, target: "/acct/photos?restype=container", expected: .getContainerProperties),
        Case(method: .delete, target: "/acct/photos?restype=container", expected: .deleteContainer),
        Case(method: .put, target: "/acct/photos?restype=container&comp=metadata", expected: .setContainerMetadata),
        Case(method: .get, target: "/acct/photos?restype=container&comp=acl", expected: .getContainerACL),
        Case(method: .put, target: "/acct/photos?restype=container&comp=acl", expected: .setContainerACL),
        Case(method: .put, target: "/acct/photos?restype=container&comp=lease", expected: .leaseContainer),
        Case(method: .get, target: "/acct/photos?restype=container&comp=list&prefix=a", expected: .listBlobs),
        Case(method: .put, target: "/acct/photos/a/b.jpg", expected: .putBlob),
        Case(method: .put, target: "/acct/photos/a/b.jpg", copySource: true, expected: .copyBlob),
        Case(method: .get, target: "/acct/photos/a/b.jpg", expected: .getBlob),
        Case(method: .head, target: "/acct/photos/a/b.jpg", expected: .getBlobProperties),
        Case(method: .delete, target: "/acct/photos/a/b.jpg?snapshot=x", expected: .deleteBlob),
        Case(method: .put, target: "/acct/photos/b.jpg?comp=properties", expected: .setBlobProperties),
        Case(method: .put, target: "/acct/photos/b.jpg?comp=metadata", expected: .setBlobMetadata),
        Case(method: .put, target: "/acct/photos/b.jpg?comp=block&blockid=QQ%3D%3D", expected: .putBlock),
        Case(method: .put, target: "/acct/photos/b.jpg?comp=blocklist", expected: .putBlockList),
        Case(method: .get, target: "/acct/photos/b.jpg?comp=blocklist&blocklisttype=all", expected: .getBlockList),
        Case(method: .put, target: "/acct/photos/b.jpg?comp=snapshot", expected: .snapshotBlob),
        Case(method: .put, target: "/acct/photos/b.jpg?comp=tier", expected: .setBlobTier),
        Case(method: .put, target: "/acct/photos/b.jpg?comp=lease", expected: .leaseBlob),
        Case(method: .put, target: "/acct/photos/b.jpg?COMP=Lease", expected: .leaseBlob),
        Case(method: .post, target: "/acct/photos/b.jpg", expected: nil),
        Case(method: .patch, target: "/acct/photos?restype=container", expected: nil),
        Case(method: .get, target: "/acct/photos", expected: nil),
    ]

    @Test(arguments: cases)
    func identifiesOperation(_ testCase: Case) throws {
        let request = try StorageRequest(service: .blob, method: testCase.method, target: testCase.target, headers: [:])
        let operation = BlobOperation.identify(
            method: request.method, hasContainer: !(request.segments.first ?? "").isEmpty,
            hasBlob: request.segments.count > 1 && !request.segments.dropFirst().joined(separator: "/").isEmpty,
            restype: request.query("restype"), comp: request.query("comp"), copySource: testCase.copySource)
        #expect(operation == testCase.expected)
    }

    @Test func parsesAccountSegmentsAndQuery() throws {
        let request = try StorageRequest(
            service: .blob, method: .get, target: "/devstoreaccount1/c/a%20b/%C3%BC.jpg?prefix=x%2By&maxresults=2", headers: [:])
        #expect(request.account == "devstoreaccount1")
        #expect(request.segments == ["c", "a b", "ü.jpg"])
        #expect(request.query("prefix") == "x+y")
        #expect(request.query("MaxResults") == "2")
        #expect(throws: StorageError.self) { try StorageRequest(service: .blob, method: .get, target: "/", headers: [:]) }
    }

    @Test(arguments: [
        ("bytes=0-9", ByteRange(start: 0, end: 9)), ("bytes=5-", ByteRange(start: 5, end: nil)),
        ("bytes=9-3", nil), ("bytes=a-b", nil), ("items=0-1", nil), ("bytes=0-1,4-5", nil),
    ] as [(String, ByteRange?)])
    func parsesRanges(_ header: String, _ expected: ByteRange?) throws {
        let request = try StorageRequest(service: .blob, method: .get, target: "/a/c/b", headers: [.range: header])
        #expect(ByteRange.parse(request) == expected)
    }

    /// Found by the fuzzer: an end of Int64.max asked for `end + 1` and trapped the emulator.
    @Test func anEndPastTheBlobIsItsLastByte() throws {
        #expect(try ByteRange(start: 0, end: Int64.max).resolve(length: 10) == 0..<10)
        #expect(try ByteRange(start: 3, end: 5).resolve(length: 10) == 3..<6)
        #expect(throws: StorageError.self) { try ByteRange(start: 10, end: Int64.max).resolve(length: 10) }
    }
}

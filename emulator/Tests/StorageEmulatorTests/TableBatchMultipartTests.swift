import Testing

@testable import StorageEmulator

@Suite struct TableBatchMultipartTests {
    static func body(lineEnd: String) -> [UInt8] {
        let lines = [
            "--batch_1",
            "Content-Type: multipart/mixed; boundary=changeset_2",
            "",
            "--changeset_2",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "",
            "POST http://127.0.0.1:10002/devstoreaccount1/mytable HTTP/1.1",
            "Content-Type: application/json",
            "Prefer: return-no-content",
            "",
            #"{"PartitionKey":"p","RowKey":"1","Text":"--changeset_2 inside a value"}"#,
            "--changeset_2",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "Content-ID: 2",
            "",
            "DELETE http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='p',RowKey='2') HTTP/1.1",
            "If-Match: *",
            "",
            "",
            "--changeset_2--",
            "--batch_1--",
            "",
        ]
        return Array(lines.joined(separator: lineEnd).utf8)
    }

    @Test(arguments: ["\r\n", "\n"])
    func parsesTheChangesetOperations(_ lineEnd: String) throws {
        let operations = try BatchMultipart.parse(Self.body(lineEnd: lineEnd), boundary: "batch_1")
        #expect(operations.count == 2)
        #expect(operations[0].method == "POST")
        #expect(operations[0].target == "/devstoreaccount1/mytable")
        #expect(operations[0].header("prefer") == "return-no-content")
        #expect(String(decoding: operations[0].body, as: UTF8.self) == #"{"PartitionKey":"p","RowKey":"1","Text":"--changeset_2 inside a value"}"#)
        #expect(operations[1].method == "DELETE")
        #expect(operations[1].target == "/devstoreaccount1/mytable(PartitionKey='p',RowKey='2')")
        #expect(operations[1].header("If-Match") == "*")
        #expect(operations[1].contentID == "2")
        #expect(operations[1].body.isEmpty)
    }

    @Test func readsTheBoundaryParameter() {
        #expect(BatchMultipart.boundary(ofContentType: "multipart/mixed; boundary=batch_a") == "batch_a")
        #expect(BatchMultipart.boundary(ofContentType: "multipart/mixed; charset=x; boundary=\"b c\"") == "b c")
        #expect(BatchMultipart.boundary(ofContentType: "application/json") == nil)
    }

    @Test func refusesBodiesWithoutTheBoundary() {
        #expect(throws: StorageError.self) { try BatchMultipart.parse(Array("nothing here".utf8), boundary: "batch_1") }
        #expect(throws: StorageError.self) {
            try BatchMultipart.parse(Array("--batch_1\r\nContent-Type: application/http\r\n\r\nGET".utf8), boundary: "batch_1")
        }
    }

    @Test func responseNamesTheFailingOperation() {
        let response = BatchResponse()
        let text = response.render([
            .init(status: 409, reason: "Conflict", headers: [("Content-Type", "application/json")], body: "{}", contentID: "3")
        ])
        #expect(response.contentType.hasPrefix("multipart/mixed; boundary=batchresponse_"))
        #expect(text.contains("HTTP/1.1 409 Conflict\r\nContent-ID: 3\r\n"))
        #expect(text.hasSuffix("--\(response.batchBoundary)--\r\n"))
    }

    @Test(arguments: [
        ("Tables", TableResourcePath.tables),
        ("Tables('abc')", .namedTable("abc")),
        ("$batch", .batch),
        ("abc", .table("abc")),
        ("abc()", .table("abc")),
        ("abc(PartitionKey='a,b',RowKey='it''s (x)')", .entity("abc", EntityKey(partitionKey: "a,b", rowKey: "it's (x)"))),
        ("abc(RowKey='r', PartitionKey='')", .entity("abc", EntityKey(partitionKey: "", rowKey: "r"))),
    ])
    func parsesResourcePaths(_ path: String, _ expected: TableResourcePath) throws {
        #expect(try TableResourcePath.parse([path]) == expected)
    }

    @Test(arguments: ["abc(PartitionKey='a')", "abc(PartitionKey='a',RowKey='b'", "abc(PartitionKey=a,RowKey='b')", "abc(PartitionKey='a,RowKey='b')"])
    func refusesMalformedKeys(_ path: String) {
        #expect(throws: StorageError.self) { try TableResourcePath.parse([path]) }
    }
}

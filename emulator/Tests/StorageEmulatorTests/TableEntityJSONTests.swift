import AzureWire
import Foundation
import Testing

@testable import StorageEmulator

@Suite struct TableEntityJSONTests {
    static let entity = TableEntity(
        partitionKey: "p'1", rowKey: "r 1", timestamp: EdmDateTime(parsing: "2026-11-25T08:00:00.1234567Z")!,
        properties: [
            EntityProperty(name: "Text", value: .string("a \"quoted\"\nline")),
            EntityProperty(name: "Small", value: .int32(-3)),
            EntityProperty(name: "Large", value: .int64(9_007_199_254_740_993)),
            EntityProperty(name: "Whole", value: .double(5)),
            EntityProperty(name: "Fraction", value: .double(0.1)),
            EntityProperty(name: "Endless", value: .double(-.infinity)),
            EntityProperty(name: "Flag", value: .boolean(true)),
            EntityProperty(name: "When", value: .dateTime(EdmDateTime(parsing: "2001-02-03T04:05:06.7Z")!)),
            EntityProperty(name: "Id", value: .guid("c9da6455-213d-42c9-9a79-3e9149a57833")),
            EntityProperty(name: "Bytes", value: .binary([0, 1, 255])),
        ])

    static let context = ODataContext(baseURL: "http://127.0.0.1:10002/devstoreaccount1", account: "devstoreaccount1", level: .minimal)

    func render(_ level: ODataMetadata, select: [String]? = nil) throws -> JSONValue {
        var json = JSONWriter()
        var context = Self.context
        context.level = level
        Self.entity.write(to: &json, table: "t", context: context, select: select, documentMetadata: "M")
        return try JSONValue.parse(json.bytes)
    }

    func names(_ value: JSONValue) -> [String] {
        guard case .object(let members) = value else { return [] }
        return members.map(\.0)
    }

    @Test func minimalMetadataAnnotatesOnlyWhatJSONCannotCarry() throws {
        let value = try render(.minimal)
        let annotated = names(value).filter { $0.hasSuffix("@odata.type") }
        #expect(annotated == ["Large@odata.type", "Endless@odata.type", "When@odata.type", "Id@odata.type", "Bytes@odata.type"])
        #expect(value["odata.metadata"] == .string("M"))
        #expect(value["odata.etag"] == .string("W/\"datetime'2026-11-25T08%3A00%3A00.1234567Z'\""))
        #expect(value["odata.id"] == nil)
        #expect(value["Whole"] == .number("5.0"))
        #expect(value["Large"] == .string("9007199254740993"))
        #expect(value["Timestamp"] == .string("2026-11-25T08:00:00.1234567Z"))
        #expect(value["When"] == .string("2001-02-03T04:05:06.7Z"))
        #expect(value["Bytes"] == .string("AAH/"))
    }

    @Test func fullMetadataAddsIdentityAndEveryInferredType() throws {
        let value = try render(.full)
        #expect(value["odata.type"] == .string("devstoreaccount1.t"))
        #expect(value["odata.id"] == .string("http://127.0.0.1:10002/devstoreaccount1/t(PartitionKey='p''1',RowKey='r%201')"))
        #expect(value["odata.editLink"] == .string("t(PartitionKey='p''1',RowKey='r%201')"))
        #expect(value["Timestamp@odata.type"] == .string("Edm.DateTime"))
        #expect(value["Whole@odata.type"] == .string("Edm.Double"))
        #expect(value["Small@odata.type"] == nil)
        #expect(value["Text@odata.type"] == nil)
    }

    @Test func noMetadataCarriesPlainValues() throws {
        let value = try render(.none)
        #expect(names(value).allSatisfy { !$0.hasPrefix("odata.") && !$0.hasSuffix("@odata.type") })
        #expect(value["Large"] == .string("9007199254740993"))
        #expect(value["Flag"] == .bool(true))
    }

    @Test(arguments: [ODataMetadata.minimal, .full])
    func everyEdmTypeRoundTrips(_ level: ODataMetadata) throws {
        var json = JSONWriter()
        var context = Self.context
        context.level = level
        Self.entity.write(to: &json, table: "t", context: context)
        let parsed = try EntityBody.parse(json.bytes)
        #expect(parsed.partitionKey == Self.entity.partitionKey)
        #expect(parsed.rowKey == Self.entity.rowKey)
        #expect(parsed.properties == Self.entity.properties)
    }

    @Test func selectReturnsOnlyTheNamedPropertiesAndNullForMissingOnes() throws {
        let value = try render(.minimal, select: ["Small", "Nope"])
        #expect(names(value) == ["odata.metadata", "odata.etag", "Small", "Nope"])
        #expect(value["Nope"] == .null)
    }

    @Test(arguments: [
        (nil, nil, ODataMetadata.minimal),
        ("application/json;odata=nometadata", nil, .none),
        ("application/json;odata=fullmetadata", nil, .full),
        ("application/json", nil, .minimal),
        ("application/json;odata=nometadata", "application/json;odata=fullmetadata", .full),
    ] as [(String?, String?, ODataMetadata)])
    func metadataLevelFollowsAcceptAndFormat(_ accept: String?, _ format: String?, _ expected: ODataMetadata) {
        #expect(ODataMetadata.requested(accept: accept, format: format) == expected)
    }
}

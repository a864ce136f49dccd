import AzureWire
import Foundation
import Testing

@testable import StorageEmulator

@Suite struct TableEdmValueTests {
    @Test(arguments: [
        ("2008-07-10T00:00:00Z", "2008-07-10T00:00:00Z"),
        ("2008-07-10T00:00:00", "2008-07-10T00:00:00Z"),
        ("2008-07-10T00:00:00.1234567Z", "2008-07-10T00:00:00.1234567Z"),
        ("2008-07-10T00:00:00.123456Z", "2008-07-10T00:00:00.123456Z"),
        ("2008-07-10T00:00:00.50Z", "2008-07-10T00:00:00.5Z"),
        ("2008-07-10T02:00:00+02:00", "2008-07-10T00:00:00Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"),
        ("1969-12-31T23:59:59.9Z", "1969-12-31T23:59:59.9Z"),
        ("2024-02-29T12:00Z", "2024-02-29T12:00:00Z"),
    ])
    func dateTimesRoundTripToTheTick(_ input: String, _ output: String) throws {
        let value = try #require(EdmDateTime(parsing: input))
        #expect(value.iso8601 == output)
        #expect(EdmDateTime(parsing: value.iso8601) == value)
    }

    @Test(arguments: ["2023-02-29T00:00:00Z", "2008-13-01T00:00:00Z", "2008-07-10", "yesterday", "2008-07-10T25:00:00Z", "2008-07-10T00:00:00.Z"])
    func refusesInvalidDateTimes(_ input: String) {
        #expect(EdmDateTime(parsing: input) == nil)
    }

    @Test func timestampsAlwaysCarrySevenDigits() throws {
        #expect(try #require(EdmDateTime(parsing: "2020-01-01T00:00:00Z")).iso8601Full == "2020-01-01T00:00:00.0000000Z")
    }

    @Test func entityPropertiesSurviveTheStorageCodec() throws {
        let properties = [
            EntityProperty(name: "s", value: .string("héllo \u{1F600}")),
            EntityProperty(name: "i", value: .int32(-7)),
            EntityProperty(name: "l", value: .int64(.max)),
            EntityProperty(name: "d", value: .double(-0.1)),
            EntityProperty(name: "n", value: .double(.infinity)),
            EntityProperty(name: "b", value: .boolean(false)),
            EntityProperty(name: "t", value: .dateTime(EdmDateTime.minimum)),
            EntityProperty(name: "g", value: .guid("c9da6455-213d-42c9-9a79-3e9149a57833")),
            EntityProperty(name: "x", value: .binary([0, 1, 254, 255])),
        ]
        #expect(try EntityCodec.decode(EntityCodec.encode(properties)) == properties)
        #expect(throws: StorageError.self) { try EntityCodec.decode([1, 0, 0]) }
    }

    @Test func bodyTypesComeFromAnnotationsOrInference() throws {
        let body = """
            {"PartitionKey":"p","RowKey":"r","Timestamp":"2000-01-01T00:00:00Z","odata.etag":"x",
             "Count":5,"Ratio":5.0,"Large":3000000000,"Flag":true,"Text":"t",
             "Long@odata.type":"Edm.Int64","Long":"9007199254740993",
             "When@odata.type":"Edm.DateTime","When":"2020-01-02T03:04:05.1234567Z",
             "Id@odata.type":"Edm.Guid","Id":"C9DA6455-213D-42C9-9A79-3E9149A57833",
             "Bytes@odata.type":"Edm.Binary","Bytes":"AAH/",
             "Nan@odata.type":"Edm.Double","Nan":"NaN","Nothing":null}
            """
        let parsed = try EntityBody.parse(Array(body.utf8))
        #expect(parsed.partitionKey == "p")
        #expect(parsed.rowKey == "r")
        let values = Dictionary(uniqueKeysWithValues: parsed.properties.map { ($0.name, $0.value) })
        #expect(parsed.properties.map(\.name) == ["Count", "Ratio", "Large", "Flag", "Text", "Long", "When", "Id", "Bytes", "Nan"])
        #expect(values["Count"] == .int32(5))
        #expect(values["Ratio"] == .double(5))
        #expect(values["Large"] == .int64(3_000_000_000))
        #expect(values["Long"] == .int64(9_007_199_254_740_993))
        #expect(values["When"] == .dateTime(EdmDateTime(parsing: "2020-01-02T03:04:05.1234567Z")!))
        #expect(values["Id"] == .guid("c9da6455-213d-42c9-9a79-3e9149a57833"))
        #expect(values["Bytes"] == .binary([0, 1, 255]))
        if case .double(let nan)? = values["Nan"] { #expect(nan.isNaN) } else { Issue.record("Nan is not a double") }
    }

    @Test(arguments: [
        (#"{"A@odata.type":"Edm.Int64","A":"12x"}"#, "InvalidInput"),
        (#"{"A@odata.type":"Edm.Int32","A":"3000000000"}"#, "InvalidInput"),
        (#"{"A@odata.type":"Edm.Unknown","A":"1"}"#, "InvalidInput"),
        (#"{"A@odata.type":"Edm.Guid","A":"nope"}"#, "InvalidInput"),
        (#"{"A@odata.type":"Edm.DateTime","A":5}"#, "InvalidInput"),
        (#"{"my-prop":1}"#, "PropertyNameInvalid"),
        (#"{"1abc":1}"#, "PropertyNameInvalid"),
        (#"{"A":{"nested":1}}"#, "InvalidInput"),
        (#"{"A":1,"A":2}"#, "DuplicatePropertiesSpecified"),
        (#"{"A":1"#, "InvalidInput"),
        (#"[1,2]"#, "InvalidInput"),
    ])
    func refusesBadBodies(_ body: String, _ code: String) {
        let error = #expect(throws: StorageError.self) { try EntityBody.parse(Array(body.utf8)) }
        #expect(error?.code == code, "\(body)")
    }

    @Test func refusesTooManyProperties() {
        let members = (0..<253).map { "\"P\($0)\":1" }.joined(separator: ",")
        let error = #expect(throws: StorageError.self) { try EntityBody.parse(Array("{\(members)}".utf8)) }
        #expect(error?.code == "TooManyProperties")
    }

    @Test(arguments: ["a/b", "a\\b", "a#b", "a?b", "a\u{1}b", "a\u{7F}b"])
    func refusesKeysWithForbiddenCharacters(_ key: String) {
        let error = #expect(throws: StorageError.self) { try EntityKey.validate(key, name: "RowKey") }
        #expect(error?.code == "OutOfRangeInput")
    }

    @Test func jsonParserKeepsNumberTextAndOrder() throws {
        let value = try JSONValue.parse(Array(#"{"b":1.50,"a":[true,null,"\u00e9\ud83d\ude00"]}"#.utf8))
        #expect(value == .object([("b", .number("1.50")), ("a", .array([.bool(true), .null, .string("é😀")]))]))
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array("{\"a\":01}".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array("\"\\ud800\"".utf8)) }
    }
}

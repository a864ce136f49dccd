import Foundation

/// The wire format's vectors, one table per primitive: what the client and the emulator must both make of
/// each input. Many come from the two sides' own tests, from before the primitives were shared.
enum WireVectors {
    /// Documents the parser accepts, and their compact serialization (numbers keep their text).
    static let jsonAccepted: [(input: String, serialized: String)] = [
        (#"{"b":1.50,"a":[true,null,"\u00e9\ud83d\ude00"]}"#, #"{"b":1.50,"a":[true,null,"é😀"]}"#),
        (" [ 0 , -0.5E+3 , 1e5 , 12345678901234567890 ] ", "[0,-0.5E+3,1e5,12345678901234567890]"),
        (#""tab\tquote\"slash\/back\\nl\ncr\r\u0001""#, #""tab\tquote\"slash/back\\nl\ncr\r\u0001""#),
        ("{}", "{}"),
        (#"{"a":{"b":[]}}"#, #"{"a":{"b":[]}}"#),
    ]

    /// Documents the parser refuses, with the byte offset the error must name.
    static let jsonRefused: [(input: String, offset: Int)] = [
        ("1-2", 1),
        ("+1", 0),
        (".5", 0),
        ("1.", 2),
        ("-", 1),
        ("1e", 2),
        (#"{"a":01}"#, 7),
        (#"{"a":"#, 5),
        ("[1,]", 3),
        ("{} x", 3),
        (#"{"a" 1}"#, 5),
        (#""\ud800""#, 7),
        (#""\x""#, 3),
        ("\"a\u{1}\"", 2),
        ("\"open", 5),
        ("tru", 0),
        ("", 0),
        (String(repeating: "[", count: 100_000), 512),
    ]

    /// XML documents the tree parser must refuse, and a word the reason must contain.
    static let xmlRefused: [(name: String, input: String, reason: String?)] = [
        ("mismatched tags", "<A><B></A>", nil),
        ("empty", "", nil),
        (
            "external entity",
            #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#, "DTD"
        ),
        ("external DTD", #"<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a>&x;</a>"#, "DTD"),
        // Found by the fuzzer's 1M run: Foundation's parser crashes the process on a data-less instruction.
        ("empty processing instruction", "<?x?>\n<BlockList><Latest>QQ==</Latest></BlockList>", "processing instruction"),
        ("instruction after the root", "<a/><?pi data?>", "processing instruction"),
        ("declaration not first", " <?xml version=\"1.0\"?><a/>", "processing instruction"),
        (
            "100k deep", String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000),
            "deeper"
        ),
    ]

    /// Text and its escaped form; whether a parser reads it back as it was (XML 1.0 cannot carry most controls).
    static let xmlEscaped: [(input: String, escaped: String, roundTrips: Bool)] = [
        ("<a & 'b'>", "&lt;a &amp; &apos;b&apos;&gt;", true),
        ("say \"hi\"", "say &quot;hi&quot;", true),
        ("tab\tline\nreturn\r\nend", "tab\tline\nreturn&#xD;\nend", true),
        ("bell\u{7}\u{FFFE}é中", "bell&#x7;&#xFFFE;é中", false),
    ]

    static let xmlUnescaped: [(input: String, unescaped: String)] = [
        ("&lt;&#233;&#x4E2D;&gt;", "<é中>"),
        ("&amp;amp; &quot;&apos;", "&amp; \"'"),
        ("&unknown; &#xZZ; & alone", "&unknown; &#xZZ; & alone"),
    ]

    /// RFC 1123 dates, both ways.
    static let rfc1123: [(seconds: TimeInterval, text: String)] = [
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (1_796_025_600, "Mon, 30 Nov 2026 08:00:00 GMT"),
    ]

    static let rfc1123Refused = ["yesterday", "Sun, 06 Nov 1994 08:49:37 CET", "Sun, 06 Nov 1994 08:49 GMT", ""]

    /// ISO 8601 as Azure writes and accepts it; `digits` is the fraction written.
    static let iso8601Written: [(seconds: TimeInterval, digits: Int, text: String)] = [
        (1_893_456_000, 0, "2030-01-01T00:00:00Z"),
        (1_893_456_000.5, 7, "2030-01-01T00:00:00.5000000Z"),
        (1_893_456_000.5, 3, "2030-01-01T00:00:00.500Z"),
    ]

    static let iso8601Read: [(text: String, seconds: TimeInterval)] = [
        ("2030-01-01T00:00:00.5000000Z", 1_893_456_000.5),
        ("2030-01-01T00:00:00Z", 1_893_456_000),
        ("2030-01-01", 1_893_456_000),
        ("2030-01-01T00:00Z", 1_893_456_000),
        ("2030-01-01T01:00:00+01:00", 1_893_456_000),
        ("1969-12-31T23:59:59.5Z", -0.5),
    ]

    static let iso8601Refused = ["2030-1-1T00:00:00Z", "2030-02-30T00:00:00Z", "2030-01-01T24:00:00Z", "soon", ""]

    static let percentEncoded: [(input: String, safe: String, encoded: String)] = [
        ("2024%2FO'Neil é.jpg", "", "2024%252FO%27Neil%20%C3%A9.jpg"),
        ("a b/c+d", "/", "a%20b/c%2Bd"),
        ("-._~AZaz09", "", "-._~AZaz09"),
    ]

    /// `%XX` decoding in a path (`+` literal) and in a query (`+` a space, as the service reads it).
    static let percentDecoded: [(input: String, path: String, query: String)] = [
        ("sub+dir%2F", "sub+dir/", "sub dir/"),
        ("%C3%A9t%C3%A9", "été", "été"),
        ("%2B", "+", "+"),
        ("100%", "100%", "100%"),
        ("%4", "%4", "%4"),
        ("%zz", "%zz", "%zz"),
        ("%%41", "%A", "%A"),
    ]

    /// Header names in the order the service sorts them, from the Python SDK (the signing vectors).
    static let headerOrder = [
        "x-ms-access-tier", "x-ms-blob-content-md5", "x-ms-blob-content-type", "x-ms-blob-type", "x-ms-blobx",
        "x-ms-client-request-id", "x-ms-copy-source", "x-ms-copy-source-authorization", "x-ms-date", "x-ms-if-tags",
        "x-ms-lease-id", "x-ms-meta-_", "x-ms-meta-0", "x-ms-meta-9z", "x-ms-meta-a", "x-ms-meta-a_b", "x-ms-meta-a1",
        "x-ms-meta-aa", "x-ms-meta-ab", "x-ms-meta-a-b", "x-ms-meta-path", "x-ms-meta-path_mtime",
        "x-ms-meta-pathmtime", "x-ms-meta-z", "x-ms-range", "x-ms-range-get-content-md5", "x-ms-version",
    ]

    /// Pairs where plain byte order would disagree with the service's: the first sorts first.
    static let headerPairs: [(String, String)] = [
        ("x-ms-meta-ab", "x-ms-meta-a-c"),
        ("x-ms-meta-a_1", "x-ms-meta-a1"),
        ("x-ms-meta-a_b", "x-ms-meta-a1"),
        ("x-ms-meta-aa", "x-ms-meta-a-b"),
    ]
}

import Imaging
import Testing

@Suite("Metadata")
struct MetadataTests {
    static let xmp = """
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
            xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="4">
           <dc:subject><rdf:Bag><rdf:li>holiday</rdf:li><rdf:li>Rome &amp; Lazio</rdf:li></rdf:Bag></dc:subject>
           <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Colosseum at dusk</rdf:li></rdf:Alt></dc:title>
           <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Seen from the Palatine</rdf:li></rdf:Alt></dc:description>
          </rdf:Description>
         </rdf:RDF>
        </x:xmpmeta>
        <?xpacket end="w"?>
        """

    @Test func exifGpsXmpRoundTrip() throws {
        var image = SyntheticImage(width: 320, height: 200, seed: 7)
        var exif = ExifBlob()
        exif.make = "FUJIFILM"
        exif.model = "X-T3"
        exif.lens = "XF35mmF1.4 R"
        exif.dateTimeOriginal = "2019:07:14 18:30:05"
        exif.offsetTimeOriginal = "+02:00"
        exif.exposureTime = (1, 250)
        exif.fNumber = (28, 10)
        exif.iso = 400
        exif.focalLength = (35, 1)
        exif.latitude = 41.890251
        exif.longitude = -12.492373
        exif.altitude = -3.5
        image.exif = exif
        image.orientation = 6
        image.xmp = Self.xmp
        let analysis = try Fixtures.converter.analyze(bytes: try image.encode(format: "JPEG"), path: "meta.jpg")
        let m = analysis.metadata
        #expect(m.format == .jpeg)
        #expect(m.cameraMake == "FUJIFILM")
        #expect(m.cameraModel == "X-T3")
        #expect(m.lens == "XF35mmF1.4 R")
        #expect(m.takenAt == "2019-07-14T18:30:05")
        #expect(m.takenOffset == "+02:00")
        #expect(m.exposureTime == 1.0 / 250)
        #expect(m.fNumber == 2.8)
        #expect(m.iso == 400)
        #expect(m.focalLength == 35)
        #expect(abs((m.latitude ?? 0) - 41.890251) < 1e-6)
        #expect(abs((m.longitude ?? 0) + 12.492373) < 1e-6)
        #expect(m.altitude == -3.5)
        #expect(m.orientation == 6)
        #expect(m.width == 320 && m.height == 200)  // upright, though stored turned (200x320)
        #expect(m.keywords == ["holiday", "Rome & Lazio"])
        #expect(m.title == "Colosseum at dusk")
        #expect(m.caption == "Seen from the Palatine")
        #expect(m.rating == 4)
        // The complete raw set is kept too.
        #expect(m.raw["exif:Model"] == "X-T3")
        #expect(m.raw["exif:GPSLatitudeRef"] == "N")
        #expect(m.raw["xmp:Rating"] == "4")
    }

    @Test func iptcKeywordsTitleCaption() throws {
        var image = SyntheticImage(width: 120, height: 80, seed: 3)
        image.iptc = SyntheticImage.iptc(keywords: ["family", "Noël"], title: "Dinner", caption: "Christmas 2021")
        let analysis = try Fixtures.converter.analyze(bytes: try image.encode(format: "JPEG"), path: "iptc.jpg")
        #expect(analysis.metadata.keywords == ["family", "Noël"])
        #expect(analysis.metadata.title == "Dinner")
        #expect(analysis.metadata.caption == "Christmas 2021")
        #expect(analysis.metadata.raw["iptc:2:25"] == "family; Noël")
    }

    @Test func noMetadataMeansEmptyFields() throws {
        let image = SyntheticImage(width: 64, height: 48, seed: 2)
        let analysis = try Fixtures.converter.analyze(bytes: try image.encode(format: "PNG"), path: "plain.png")
        #expect(analysis.metadata.cameraMake == nil)
        #expect(analysis.metadata.takenAt == nil)
        #expect(analysis.metadata.latitude == nil)
        #expect(analysis.metadata.keywords.isEmpty)
        #expect(analysis.metadata.format == .png)
    }

    @Test(arguments: [
        ("41/1, 53/1, 2490/100", 41.890_25), ("12/1, 29/1, 3284/100", 12.492_455_6), ("0/1, 30/1, 0/1", 0.5),
    ])
    func gpsDegrees(text: String, expected: Double) {
        var metadata = ImageMetadata()
        var properties = ["exif:GPSLatitude": text, "exif:GPSLatitudeRef": "S"]
        properties["exif:GPSLongitude"] = text
        metadata.apply(exifProperties: properties)
        #expect(abs((metadata.latitude ?? 0) + expected) < 1e-6)
        #expect(abs((metadata.longitude ?? 0) - expected) < 1e-6)
    }
}

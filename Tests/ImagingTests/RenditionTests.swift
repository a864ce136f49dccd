import Imaging
import Testing

@Suite("Renditions")
struct RenditionTests {
    /// Every rendition of every EXIF orientation: the seed's sizes (never larger than the source),
    /// upright (the yellow marker is top-left in each), stripped, progressive.
    @Test(arguments: 1...8)
    func sizesAndOrientation(orientation: Int) throws {
        // 2400x1600 upright: large enough for hd and 1600 to be downscales.
        let jpeg = try Fixtures.jpeg(width: 2400, height: 1600, orientation: orientation)
        let analysis = try Fixtures.converter.analyze(bytes: jpeg, path: "orientation-\(orientation).jpg")
        #expect(analysis.metadata.orientation == orientation)
        #expect(analysis.metadata.width == 2400 && analysis.metadata.height == 1600)
        let expected: [String: PixelSize] = [
            "hd": .init(width: 1620, height: 1080), "1600": .init(width: 1600, height: 1067),
            "800": .init(width: 800, height: 533), "600": .init(width: 600, height: 400),
            "400": .init(width: 400, height: 267), "h400": .init(width: 600, height: 400),
            "w400": .init(width: 400, height: 267), "200": .init(width: 200, height: 133),
            "100": .init(width: 100, height: 67), "sq100": .init(width: 100, height: 100),
        ]
        #expect(analysis.renditions.map(\.name) == RenditionSpec.seedSet.map(\.name))
        for rendition in analysis.renditions {
            let info = try ImageProbe.info(rendition.jpeg)
            #expect(info.size == expected[rendition.name], "\(rendition.name) of orientation \(orientation)")
            #expect(rendition.size == info.size)
            #expect(info.progressive, "\(rendition.name) should be progressive")
            #expect(info.profiles.isEmpty, "\(rendition.name) should be stripped, has \(info.profiles)")
            #expect(info.orientation == 1)
            let pixels = try Fixtures.pixels(of: rendition.jpeg)
            if rendition.name == "sq100" {
                continue  // the centre crop cuts the marker off
            }
            // The marker bar spans x 5%…33%, y 5%…12.5% of the upright scene: yellow there.
            let marker = Fixtures.meanColor(pixels, x0: 0.08, y0: 0.065, x1: 0.30, y1: 0.11)
            #expect(marker.r > 200 && marker.g > 160 && marker.b < 110, "\(rendition.name): marker not top-left")
            // ...and not in the mirrored corners.
            let mirrored = Fixtures.meanColor(pixels, x0: 0.70, y0: 0.065, x1: 0.92, y1: 0.11)
            #expect(!(mirrored.r > 200 && mirrored.g > 160 && mirrored.b < 110), "\(rendition.name): mirrored")
        }
    }

    @Test func neverLargerThanTheSource() throws {
        let jpeg = try Fixtures.jpeg(width: 150, height: 90)
        let analysis = try Fixtures.converter.analyze(bytes: jpeg, path: "small.jpg")
        for rendition in analysis.renditions {
            #expect(rendition.size.width <= 150 && rendition.size.height <= 90, "\(rendition.name) \(rendition.size)")
        }
        #expect(analysis.renditions.first { $0.name == "hd" }?.size == PixelSize(width: 150, height: 90))
        #expect(analysis.renditions.first { $0.name == "sq100" }?.size == PixelSize(width: 90, height: 90))
    }

    @Test func configurableRenditionsAndQuality() throws {
        var configuration = ImagingConfiguration()
        configuration.renditions = [.init("thumb", .square(64)), .init("wide", .width(320))]
        configuration.quality = 60
        configuration.progressive = false
        let converter = ImageConverter(configuration: configuration)
        let analysis = try converter.analyze(bytes: try Fixtures.jpeg(width: 640, height: 480), path: "c.jpg")
        #expect(analysis.renditions.map(\.name) == ["thumb", "wide"])
        #expect(analysis.renditions.map(\.size) == [.init(width: 64, height: 64), .init(width: 320, height: 240)])
        #expect(try ImageProbe.info(analysis.renditions[1].jpeg).progressive == false)
    }

    @Test func sizeArithmetic() {
        let hd = RenditionSpec("hd", .box(width: 1920, height: 1080))
        #expect(hd.size(forSourceWidth: 6000, height: 4000).final == PixelSize(width: 1620, height: 1080))
        #expect(hd.size(forSourceWidth: 4000, height: 6000).final == PixelSize(width: 720, height: 1080))
        let square = RenditionSpec("sq", .square(100))
        let size = square.size(forSourceWidth: 6000, height: 4000)
        #expect(size.scaled == PixelSize(width: 150, height: 100))
        #expect(size.final == PixelSize(width: 100, height: 100))
        #expect(
            RenditionSpec("h", .height(400)).size(forSourceWidth: 300, height: 200).final
                == .init(width: 300, height: 200))
    }
}

import Catalog
import Ingest
import Testing

@Suite("Data location")
struct DataLocationTests {
    @Test func followsXDG() {
        #expect(
            DataLocation.resolve(environment: ["HOME": "/home/ann"]).directory == "/home/ann/.local/share/ironviper")
        #expect(
            DataLocation.resolve(environment: ["HOME": "/home/ann", "XDG_DATA_HOME": "/data/ann"]).directory
                == "/data/ann/ironviper")
        // A relative XDG_DATA_HOME is invalid by the spec and ignored.
        #expect(
            DataLocation.resolve(environment: ["HOME": "/home/ann", "XDG_DATA_HOME": "rel"]).directory
                == "/home/ann/.local/share/ironviper")
    }

    @Test func systemAndOverrides() {
        #expect(DataLocation.resolve(system: true, environment: [:]).directory == "/var/lib/ironviper")
        #expect(DataLocation.resolve(environment: ["IRONVIPER_DATA_DIR": "/srv/iv"]).directory == "/srv/iv")
        #expect(
            DataLocation.resolve(override: "/tmp/x", system: true, environment: ["IRONVIPER_DATA_DIR": "/srv/iv"])
                .directory == "/tmp/x")
        let location = DataLocation(directory: "/d")
        #expect(location.catalogPath == "/d/catalog.sqlite")
        #expect(location.previewsPath == "/d/previews")
    }
}

import Foundation
import TOMLKit

/// Reading a TOML file into a typed value, with the errors every such file reports alike: the file that
/// cannot be read, TOML that does not parse (with its line), and the parser's own errors naming the file.
/// Used by `config.toml` and by price tables.
enum TOMLDocument {
    static func load<T>(file: String, _ parse: (String) throws -> T) throws -> T {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: file, "cannot be read: \(error.localizedDescription)")
        }
        do {
            return try parse(text)
        } catch var error as ConfigurationError {
            error.file = file
            throw error
        }
    }

    static func table(_ text: String) throws -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError("not valid TOML: \(error.description) (line \(error.source.begin.line))")
        }
    }
}

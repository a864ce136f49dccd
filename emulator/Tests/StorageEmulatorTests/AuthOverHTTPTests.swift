import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import StorageEmulator

/// The SDK-signed requests sent byte for byte over a real socket to an in-process emulator, so the
/// path, query and headers the verifier sees are the ones the HTTP server hands over (not ones a test
/// built). A request that passed authentication may still fail later (its body is filler, its
/// container does not exist): anything but a 403 shows the signature was accepted.
@Suite struct AuthOverHTTPTests {
    /// Every service, and the vector files' accounts (the development account and a two-key one).
    static var configuration: EmulatorConfiguration {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.accounts = AuthVectors.accounts(AuthVectors.sharedKey?.accounts ?? [])
        return configuration
    }

    @Test func sdkSignedRequestsPassAuthenticationAndTamperedOnesDoNot() async throws {
        let emulator = try await RunningEmulator.start(configuration: Self.configuration)
        do {
            let vectors = try #require(AuthVectors.sharedKey).vectors.filter {
                Int($0.headers.first { $0[0].lowercased() == "content-length" }?[1] ?? "0") ?? 0 <= 4096
            }
            #expect(vectors.count >= 40)
            for vector in vectors {
                let port = try #require(emulator.ports[try AuthVectors.service(vector.service)])
                let response = try await RawHTTP.send(
                    port: port, method: vector.method, target: vector.target,
                    headers: vector.headers + [["Authorization", vector.authorization]])
                if vector.expectError == nil {
                    #expect(response.status != 403, "\(vector.name): \(response.errorCode ?? "") \(response.text)")
                } else {
                    #expect(response.status == 403 && response.errorCode == "AuthenticationFailed", "\(vector.name)")
                }
                let tampered = AuthSharedKeyTests.flippingFirstSignatureCharacter(vector.authorization)
                let refused = try await RawHTTP.send(
                    port: port, method: vector.method, target: vector.target,
                    headers: vector.headers + [["Authorization", tampered]])
                #expect(refused.status == 403 && refused.errorCode == "AuthenticationFailed", "\(vector.name)")
                // A HEAD response has no body to carry the detail; Table's JSON errors have no detail field.
                let detailed = vector.method != "HEAD" && vector.service != "table"
                #expect(!detailed || refused.text.contains("<AuthenticationErrorDetail>"), "\(vector.name)")
            }
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    @Test func sdkBlobAndQueueSASTokensVerifyOverTheWire() async throws {
        let emulator = try await RunningEmulator.start(configuration: Self.configuration)
        do {
            // The vectors' windows are in 2025 and the server checks against its own clock: a token whose
            // signature verified but whose window is over says so, one with a bad signature says that
            // instead. (Table's JSON errors carry no detail to tell the two apart, so Table is left out.)
            let vectors = try #require(AuthVectors.sas).vectors.filter {
                $0.service != "table" && $0.expect != nil && $0.expect?.policy == nil
            }
            #expect(vectors.count >= 10)
            for vector in vectors {
                let port = try #require(emulator.ports[try AuthVectors.service(vector.service)])
                let response = try await RawHTTP.send(
                    port: port, method: vector.method, target: vector.target, headers: [])
                let expired = response.text.contains("Signature not valid in the specified time frame")
                #expect(response.status == 403 && expired, "\(vector.name): \(response.text)")
                let tampered = try AuthSASTests.flippingSignature(vector.target)
                let refused = try await RawHTTP.send(port: port, method: vector.method, target: tampered, headers: [])
                #expect(refused.status == 403 && refused.text.contains("Signature did not match"), "\(vector.name)")
            }
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }
}

/// A bare HTTP/1.1 client: writes the request exactly as given and reads until the server closes.
enum RawHTTP {
    struct Response {
        var status: Int
        var text: String
        var errorCode: String? {
            text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-ms-error-code:") }
                .map { $0.dropFirst("x-ms-error-code:".count).trimmingCharacters(in: .whitespaces) }
        }
    }

    static func send(port: Int, method: String, target: String, headers: [[String]]) async throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        var length = 0
        for header in headers {
            head += "\(header[0]): \(header[1])\r\n"
            if header[0].lowercased() == "content-length" { length = Int(header[1]) ?? 0 }
        }
        var request = ByteBuffer(string: head + "\r\n")
        request.writeRepeatingByte(UInt8(ascii: "x"), count: length)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let text = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(request)
            var response = ByteBuffer()
            for try await chunk in inbound { response.writeImmutableBuffer(chunk) }
            return String(buffer: response)
        }
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return Response(status: status, text: text)
    }
}

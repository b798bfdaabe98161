@testable import DILabServe
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking RFC 6455 client on a raw socket, for what a library client hides: dropping without a close frame,
/// sending binary or a chosen close code, and reading the server's close code and the refused handshake's HTTP
/// response. Every read is bounded by the socket's receive timeout. Blocking: call it from `OnThread`, never on the
/// cooperative pool the server's upgrade check runs on.
final class WSClient {
    enum Frame: Equatable {
        case text(String)
        case binary([UInt8])
        case pong([UInt8])
        case close(code: Int, reason: String)
        /// The server closed the TCP connection (or reset it) without a further frame.
        case closed
        case timedOut
    }

    /// The handshake's HTTP response: 101 for an upgrade, otherwise the refusal (with its body).
    struct Handshake {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    let socket: RawSocket
    let handshake: Handshake
    private var buffer: [UInt8] = []

    /// Connects and sends the upgrade request for `path`; a refusal is returned in `handshake`, not thrown.
    init(port: Int, path: String, headers: [String: String] = [:], readTimeout: Double = 5) throws {
        socket = try RawSocket(port: port, readTimeout: readTimeout)
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        socket.write(head + "\r\n")
        var bytes: [UInt8] = []
        var handshake = Handshake(status: 0, headers: [:], body: "")
        while true {
            if let end = Self.find([13, 10, 13, 10], in: bytes) {
                let text = String(decoding: bytes[..<end], as: UTF8.self)
                var lines = text.components(separatedBy: "\r\n")
                let status = lines.removeFirst().split(separator: " ")
                handshake.status = status.count > 1 ? Int(status[1]) ?? 0 : 0
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    handshake.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                buffer = Array(bytes[(end + 4)...])
                break
            }
            guard let more = Self.recvBytes(socket.fd) else { break }
            bytes += more
        }
        if handshake.status != 101 {
            let length = Int(handshake.headers["content-length"] ?? "") ?? 0
            while buffer.count < length, let more = Self.recvBytes(socket.fd) { buffer += more }
            handshake.body = String(decoding: buffer, as: UTF8.self)
            buffer = []
        }
        self.handshake = handshake
    }

    func sendText(_ text: String) { send(opcode: 0x1, Array(text.utf8)) }

    func sendBinary(_ bytes: [UInt8]) { send(opcode: 0x2, bytes) }

    /// A text message in two frames (a text frame without FIN, then a continuation).
    func sendFragmented(_ first: String, _ rest: String) {
        send(opcode: 0x1, Array(first.utf8), fin: false)
        send(opcode: 0x0, Array(rest.utf8))
    }

    func sendClose(code: Int = 1000, reason: String = "") {
        send(opcode: 0x8, [UInt8(code >> 8), UInt8(code & 0xff)] + Array(reason.utf8))
    }

    func sendPing(_ bytes: [UInt8]) { send(opcode: 0x9, bytes) }

    /// The TCP connection goes away with no close frame (the endpoint sees 1005, as under uvicorn's default implementation).
    func drop() { shutdown(socket.fd, Int32(SHUT_RDWR)) }

    /// The next frame from the server.
    func receive() -> Frame {
        while true {
            if let (frame, used) = Self.parse(buffer) {
                buffer.removeFirst(used)
                return frame
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer += chunk[..<n]
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                return .timedOut
            } else {
                return .closed
            }
        }
    }

    /// Frames until the server's close frame (which is returned last) or the socket ending.
    func receiveUntilClose() -> [Frame] {
        var frames: [Frame] = []
        while true {
            let f = receive()
            frames.append(f)
            switch f {
            case .close, .closed, .timedOut: return frames
            default: continue
            }
        }
    }

    func send(opcode: UInt8, _ payload: [UInt8], fin: Bool = true) {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let n = payload.count
        if n < 126 {
            frame.append(0x80 | UInt8(n))
        } else if n < 65536 {
            frame += [0x80 | 126, UInt8(n >> 8), UInt8(n & 0xff)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((n >> ($0 * 8)) & 0xff) }
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        _ = frame.withUnsafeBytes { systemSend(socket.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func systemSend(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int, _ flags: Int32) -> Int {
        #if canImport(Glibc)
        return Glibc.send(fd, p, n, flags)
        #else
        return Darwin.send(fd, p, n, flags)
        #endif
    }

    /// One complete server frame at the start of `bytes`, and how many bytes it took.
    private static func parse(_ bytes: [UInt8]) -> (Frame, Int)? {
        guard bytes.count >= 2 else { return nil }
        let opcode = bytes[0] & 0x0f
        var length = Int(bytes[1] & 0x7f)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard bytes.count >= offset + length else { return nil }
        let payload = Array(bytes[offset..<(offset + length)])
        let used = offset + length
        switch opcode {
        case 0x1: return (.text(String(decoding: payload, as: UTF8.self)), used)
        case 0x8:
            let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : 1005
            return (.close(code: code, reason: String(decoding: payload.dropFirst(2), as: UTF8.self)), used)
        case 0xA: return (.pong(payload), used)
        default: return (.binary(payload), used)
        }
    }

    private static func recvBytes(_ fd: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(chunk[..<n]) : nil
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

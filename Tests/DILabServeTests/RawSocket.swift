@testable import DILabServe
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking TCP client on 127.0.0.1 for what URLSession cannot send: partial heads, trickled header lines,
/// malformed request lines. Every read is bounded by a receive timeout, so a test fails instead of hanging.
final class RawSocket {
    let fd: Int32

    init(port: Int, readTimeout: Double = 5) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var tv = timeval(tv_sec: Int(readTimeout), tv_usec: .init((readTimeout - Double(Int(readTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            close(fd)
            throw TestFailure("connect() to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// False once the peer has closed (EPIPE/ECONNRESET).
    @discardableResult
    func write(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    enum ReadResult: Equatable {
        case data(String)
        /// The server closed the connection (read returned 0, or a reset).
        case closed
        /// Nothing within the receive timeout.
        case timedOut
    }

    func read() -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { return .data(String(decoding: buffer[..<n], as: UTF8.self)) }
        if n == 0 { return .closed }
        return errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .closed
    }

    /// Everything until the server closes or goes quiet for the receive timeout.
    func readAll() -> (text: String, closed: Bool) {
        var text = ""
        while true {
            switch read() {
            case .data(let s): text += s
            case .closed: return (text, true)
            case .timedOut: return (text, false)
            }
        }
    }

    /// Reads until the text ends with `suffix` (a known body), the server closes, or it goes quiet; with `within`,
    /// quiet spells are waited through until that many seconds have passed (a loaded machine answers late).
    func readResponse(endingWith suffix: String, within seconds: Double = 0) -> String {
        var text = ""
        let start = Date()
        while !text.hasSuffix(suffix) {
            switch read() {
            case .data(let more): text += more
            case .closed: return text
            case .timedOut: if Date().timeIntervalSince(start) >= seconds { return text }
            }
        }
        return text
    }
}

/// Blocking work on a thread of its own, awaited without holding a thread of the cooperative pool.
final class OnThread<T: Sendable>: Sendable {
    private let promise = Promise<T>()

    init(_ work: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [promise] in promise.fulfill(Result { try work() }) }
    }

    func value() async throws -> T { try await promise.value() }
}

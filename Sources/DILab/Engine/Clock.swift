import Foundation

/// Time as the engine sees it. The simulation's clock is virtual (a 2 s task costs nothing);
/// serve mode uses a real one, so durations are actually waited out.
public protocol EngineClock: AnyObject, Sendable {
    /// Milliseconds since this clock started.
    var now: Int { get }
    /// Lets `ms` milliseconds pass.
    func advance(_ ms: Int)
}

/// Deterministic virtual time: `advance` only adds.
public final class VirtualClock: EngineClock, @unchecked Sendable {
    private var current: Int
    public init(start: Int = 0) { current = start }
    public var now: Int { current }
    /// Saturates instead of trapping: the loader caps each duration, but a long run may still add up.
    public func advance(_ ms: Int) {
        let (sum, overflow) = current.addingReportingOverflow(max(0, ms))
        current = overflow ? Int.max : sum
    }
}

/// Wall-clock time, scaled: `timeScale` 0.5 makes a 2 s duration take 1 s. Blocks the calling thread while waiting.
public final class RealClock: EngineClock, @unchecked Sendable {
    private let start = DispatchTime.now()
    private let timeScale: Double
    private let origin: Int
    /// - Parameter origin: the reading at start, so a request's clock can continue the server's timeline.
    public init(timeScale: Double = 1, origin: Int = 0) {
        self.timeScale = timeScale
        self.origin = origin
    }
    public var now: Int {
        origin + Int(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000 / max(timeScale, 0.000_001))
    }
    /// How long `ms` of this clock's milliseconds take in real seconds.
    public func seconds(_ ms: Int) -> Double { Double(ms) / 1000 * max(timeScale, 0) }

    public func advance(_ ms: Int) {
        guard ms > 0, timeScale > 0 else { return }
        Thread.sleep(forTimeInterval: Double(ms) / 1000 * timeScale)
    }
}

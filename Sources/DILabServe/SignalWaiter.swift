import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM for a process whose main thread blocks while the server runs on other threads.
/// The signals are blocked in the calling thread *before* any server thread exists (threads inherit the mask),
/// so they stay pending until `wait` takes them with `sigtimedwait`: no async-signal-safety puzzles, and no
/// thread left to die of a default SIGINT action halfway through a request.
public struct SignalWaiter: Sendable {
    public enum Outcome: Sendable, Equatable { case signal(Int32), stopped }

    /// Call first thing, on the thread that will call `wait`.
    public static func blockTerminationSignals() -> SignalWaiter {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        return SignalWaiter()
    }

    /// Waits for SIGINT/SIGTERM, or until `shouldStop` says the server ended by itself; polls it every 100 ms.
    public func wait(shouldStop: () -> Bool = { false }) -> Outcome {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        var timeout = timespec(tv_sec: 0, tv_nsec: 100_000_000)
        while !shouldStop() {
            let sig = sigtimedwait(&set, nil, &timeout)
            if sig > 0 { return .signal(sig) }
        }
        return .stopped
    }

    public static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(sig)"
        }
    }
}

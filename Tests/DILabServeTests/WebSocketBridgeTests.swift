import DILab
@testable import DILabServe
import Foundation
import Testing

/// The bridge alone, driven as the engine drives it (a fake peer driver): the receive queue, the first
/// decision, and the outbound order. No socket.
@Suite struct WebSocketBridgeTests {
    /// Collects what `receive` callbacks are given, in order.
    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var frames: [ClientFrame] = []
        func add(_ f: ClientFrame) { lock.withLock { frames.append(f) } }
        var all: [ClientFrame] { lock.withLock { frames } }
    }

    @Test func framesBeforeReceiveAreQueuedInOrder() {
        let bridge = WebSocketPeerBridge()
        bridge.accept()
        bridge.deliver(.text("a"))
        bridge.deliver(.text("b"))
        bridge.deliver(.disconnect(code: 1000, reason: ""))
        bridge.deliver(.text("after the close"))
        let got = Received()
        for _ in 0..<4 { bridge.receive { got.add($0) } }
        // The disconnect comes after the queued texts, and again for a receive after it; nothing after it is kept.
        #expect(got.all == [.text("a"), .text("b"), .disconnect(code: 1000, reason: ""), .disconnect(code: 1000, reason: "")])
    }

    @Test func aPendingReceiveGetsTheNextFrameOnce() {
        let bridge = WebSocketPeerBridge()
        bridge.accept()
        let got = Received()
        bridge.receive { got.add($0) }
        #expect(got.all.isEmpty)
        bridge.deliver(.text("x"))
        bridge.deliver(.text("y"))
        #expect(got.all == [.text("x")])
        bridge.receive { got.add($0) }
        #expect(got.all == [.text("x"), .text("y")])
    }

    @Test func aDropReachesAWaitingReceive() {
        let bridge = WebSocketPeerBridge()
        bridge.accept()
        let got = Received()
        bridge.receive { got.add($0) }
        bridge.deliver(.disconnect(code: 1006, reason: ""))
        bridge.deliver(.disconnect(code: 1000, reason: "late"))
        #expect(got.all == [.disconnect(code: 1006, reason: "")])
    }

    @Test func theFirstDecisionWins() async {
        let accept = WebSocketPeerBridge()
        accept.accept()
        accept.deny(ResponseStart(status: 401))
        #expect(await accept.decision() == .accept)

        let closed = WebSocketPeerBridge()
        let waiting = Task { await closed.decision() }
        closed.close(code: 1008, reason: "no token")
        let d = await waiting.value
        #expect(d == .closeBeforeAccept(code: 1008, reason: "no token"))
        // uvicorn: a close before accept is a bare 403, whatever its code and reason.
        #expect(d.denial == ResponseStart(status: 403, body: "", isJSON: false))

        let denied = WebSocketPeerBridge()
        let r = ResponseStart(status: 401, headers: [("www-authenticate", "Bearer")], body: #"{"detail":"nope"}"#)
        denied.deny(r)
        #expect(await denied.decision().denial == r)

        let silent = WebSocketPeerBridge()
        silent.engineFinished()
        #expect(await silent.decision().denial?.status == 500)
    }

    @Test func outboundKeepsTheEngineOrderAndEndsAtClose() async {
        let bridge = WebSocketPeerBridge()
        bridge.send("before accept")
        bridge.accept()
        bridge.send("one")
        bridge.send("two")
        bridge.close(code: 1008, reason: "bye")
        bridge.send("after close")
        bridge.close(code: 1000, reason: "again")
        var out: [WebSocketPeerBridge.Outbound] = []
        for await o in bridge.outbound { out.append(o) }
        #expect(out == [.text("one"), .text("two"), .close(code: 1008, reason: "bye")])
        #expect(bridge.ignoredCalls == 3)
    }

    @Test func theEngineFinishingEndsOutbound() async {
        let bridge = WebSocketPeerBridge()
        bridge.accept()
        bridge.send("last")
        bridge.engineFinished()
        var out: [WebSocketPeerBridge.Outbound] = []
        for await o in bridge.outbound { out.append(o) }
        #expect(out == [.text("last")])
    }

    /// A fake engine on a thread of its own, as the real one calls the peer from its loop thread: it blocks on
    /// each receive while the socket side delivers from another thread.
    @Test func aFakeEngineOnItsOwnThreadEchoes() async {
        let bridge = WebSocketPeerBridge()
        let engineDone = Promise<[ClientFrame]>()
        Thread.detachNewThread {
            bridge.accept()
            var seen: [ClientFrame] = []
            while true {
                let sem = DispatchSemaphore(value: 0)
                let got = Received()
                bridge.receive { got.add($0); sem.signal() }
                sem.wait()
                let f = got.all[0]
                seen.append(f)
                guard case .text(let t) = f else { break }
                bridge.send("Echo: \(t)")
            }
            bridge.engineFinished()
            engineDone.fulfill(.success(seen))
        }
        #expect(await bridge.decision() == .accept)
        for t in ["a", "b", "c"] { bridge.deliver(.text(t)) }
        bridge.deliver(.disconnect(code: 4000, reason: "bye"))
        var out: [WebSocketPeerBridge.Outbound] = []
        for await o in bridge.outbound { out.append(o) }
        #expect(out == [.text("Echo: a"), .text("Echo: b"), .text("Echo: c")])
        #expect(try! await engineDone.value() == [.text("a"), .text("b"), .text("c"), .disconnect(code: 4000, reason: "bye")])
    }
}

/// ANSI styling that switches itself off: no colour when `NO_COLOR` is set or output is not a terminal.
public struct Style: Sendable {
    public var enabled: Bool
    public init(enabled: Bool) { self.enabled = enabled }

    public static let plain = Style(enabled: false)

    func wrap(_ code: String, _ s: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    public func bold(_ s: String) -> String { wrap("1", s) }
    public func dim(_ s: String) -> String { wrap("2", s) }
    public func red(_ s: String) -> String { wrap("31", s) }
    public func green(_ s: String) -> String { wrap("32", s) }
    public func yellow(_ s: String) -> String { wrap("33", s) }
    public func blue(_ s: String) -> String { wrap("34", s) }
    public func magenta(_ s: String) -> String { wrap("35", s) }
    public func cyan(_ s: String) -> String { wrap("36", s) }

    /// The colour a learner sees for each kind of event.
    public func kind(_ k: TraceEvent.Kind, _ s: String) -> String {
        switch k {
        case .call, .enter, .handler: return green(s)
        case .cacheHit: return cyan(s)
        case .raise, .catch, .serverError, .validation, .appError: return red(s)
        case .violation: return bold(red(s))
        case .exit: return yellow(s)
        case .response, .sent, .chunk: return bold(magenta(s))
        case .taskAdd, .taskStart, .taskEnd, .taskFail: return blue(s)
        case .request, .lifespanStart, .lifespanEnd: return bold(s)
        case .wait, .acquire, .release: return cyan(s)
        case .disconnect, .cancel: return bold(yellow(s))
        case .deadlock: return bold(red(s))
        case .wsAccept, .wsClose, .wsDeny: return bold(magenta(s))
        case .wsReceive, .wsSend, .wsBroadcast, .wsJoin, .wsLeave: return magenta(s)
        case .clientSend, .clientReceive, .clientClose, .clientDrop: return dim(s)
        case .middlewareEnter, .middlewareResponse, .middlewareExit: return cyan(s)
        }
    }
}

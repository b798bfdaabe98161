import DILab

/// A `--record` websocket connection's client script: checked as the scenario format spells it (`receive`,
/// `{receive: 2}`, `{send: hi}`, `{send_json: {...}}`, `{wait: 50ms}`, `{close: 1000}`, `{close: {code, reason}}`,
/// `drop`) and turned into the steps record mode's client plays (`["send", text]`, `["receive", n]`, `["close", code]`,
/// `["drop"]`; a wait is left out, as durations are).
public enum RecordWebSocket {
    public static func scriptProblem(_ v: Value?) -> String? {
        guard let v else { return nil }
        guard case .array(let steps) = v else { return "\"script\" must be a list of client steps" }
        for step in steps {
            switch step {
            case .string("receive"), .string("drop"): continue
            case .object(let pairs) where pairs.count == 1:
                let (k, arg) = pairs[0]
                switch (k, arg) {
                case ("receive", .int(let n)) where n > 0 && n <= 1000: continue
                case ("send", .string), ("send_json", _), ("wait", _): continue
                case ("close", .int): continue
                case ("close", .object(let c)) where c.allSatisfy({ ["code", "reason"].contains($0.0) }) && c.first(where: { $0.0 == "code" })?.1.intValue != nil: continue
                default: return "unknown client step \(step.json) (receive, send, send_json, wait, close, drop)"
                }
            default: return "unknown client step \(step.json) (receive, send, send_json, wait, close, drop)"
            }
        }
        return nil
    }

    static func driverSteps(_ v: Value) -> [Value] {
        guard case .array(let steps) = v else { return [] }
        return steps.compactMap { step -> Value? in
            switch step {
            case .string("receive"): return .array([.string("receive"), .int(1)])
            case .string("drop"): return .array([.string("drop")])
            case .object(let pairs) where pairs.count == 1:
                switch pairs[0] {
                case ("receive", let n): return .array([.string("receive"), n])
                case ("send", let s): return .array([.string("send"), s])
                case ("send_json", let j): return .array([.string("send"), .string(j.json)])
                case ("close", .int(let code)): return .array([.string("close"), .int(code)])
                case ("close", let c): return .array([.string("close"), c["code"] ?? .int(1000)])
                default: return nil
                }
            default: return nil
            }
        }
    }
}

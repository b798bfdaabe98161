/// The app's `{{call}}` counters, numbered when it is compiled: one per provider name and one per handler name
/// (`handler:NAME`, shared by routes of one handler name, as the engine's by-name counters were). A compiled use
/// carries its provider's number (`DependantFacts.callCounter`) and a route its handler's, so counting a call
/// indexes an array instead of hashing the name under the engine's lock.
public final class CallCounters: Sendable {
    /// Counter number → the name it counts (checked at each use: a number from another app is never trusted).
    let names: [String]
    /// Name → counter number, for callers that only have the name (websocket steps, passed-through generators).
    let numbers: [String: Int]

    init(_ names: [String]) {
        var unique: [String] = []
        var numbers: [String: Int] = [:]
        for n in names where numbers[n] == nil {
            numbers[n] = unique.count
            unique.append(n)
        }
        self.names = unique
        self.numbers = numbers
    }

    /// Every provider of the scenario, then every route's handler.
    convenience init(_ scenario: Scenario) {
        self.init(scenario.providers.map(\.name) + scenario.routes.map { CallCounters.handlerKey($0.handlerName) })
    }

    static let none = CallCounters([])

    /// The counter name of a route handler (a provider name is an identifier, so the two never meet).
    static func handlerKey(_ handlerName: String) -> String { "handler:" + handlerName }
}

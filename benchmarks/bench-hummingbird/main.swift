// The baseline of scripts/bench-serve.sh: a bare Hummingbird 2 server answering benchmarks/serve.yaml's route with
// the same JSON `dilab serve` answers — `GET /items/{item_id}` with an `x-client` header gives
// {"item_id":7,"session":"Session","client":"wrk"}. Nothing else: no engine, no trace, no log line per request.
// Benchmark-only; it depends on Hummingbird alone. Usage: dilab-bench-hummingbird [--host H] [--port P]
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import Hummingbird
import Logging

var host = "127.0.0.1"
var port = 8080
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch flag {
    case "--host": host = arguments.popFirst() ?? host
    case "--port": port = arguments.popFirst().flatMap { Int($0) } ?? port
    default:
        print("usage: dilab-bench-hummingbird [--host H] [--port P]")
        exit(2)
    }
}

/// A JSON string literal (quotes, backslashes and control characters escaped), as the header may carry them.
func jsonString(_ s: Substring) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20:
            let hex = String(u.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

let xClient = HTTPField.Name("x-client")!
let router = Router()
router.get("/items/:item_id") { request, context -> Response in
    guard let id = context.parameters.get("item_id", as: Int.self) else {
        return Response(status: .unprocessableContent, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: #"{"detail":"item_id is not an integer"}"#)))
    }
    guard let client = request.headers[xClient] else {
        return Response(status: .unprocessableContent, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: #"{"detail":"x-client header missing"}"#)))
    }
    let body = #"{"item_id":\#(id),"session":"Session","client":\#(jsonString(client[...]))}"#
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
}

var logger = Logger(label: "bench-hummingbird")
logger.logLevel = .warning
let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
print("dilab-bench-hummingbird: listening on http://\(host):\(port)")
try await app.runService()

import DILabFuzz
import Foundation

/// libFuzzer's callback: one input through `FuzzHarness`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzHarness.run(bytes)
    return 0
}

#if DILAB_FUZZ
/// libFuzzer's driver, linked in by `-sanitize=fuzzer` (scripts/fuzz.sh). SwiftPM gives every executable its
/// own `main`, so this one hands the command line to libFuzzer instead of relying on libFuzzer's `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@main
enum FuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
    }
}
#else
/// Built plainly: replays the files it is given, so a finding reproduces anywhere without libFuzzer.
@main
enum Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("dilab-fuzz: cannot read \(path)\n".utf8))
                exit(2)
            }
            print("\(path): \(FuzzHarness.run(Array(data)))")
        }
    }
}
#endif

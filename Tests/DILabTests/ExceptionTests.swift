@testable import DILab
import Testing

/// p05: exceptions in and around yield dependencies, per profile.
@Suite("Exceptions")
struct ExceptionTests {
    static func app(watchScope: String = "", watchExcept: String = "reraise") -> String {
        """
        app:
          exception_handlers: {MyErr: {status: 499, body: {detail: mine}}}
        providers:
          watch: {yield: true, async: true, except: \(watchExcept)}
          deny: {raises: {status: 401, detail: denied}}
          cleanup_raises: {yield: true, cleanup: {raises: {exception: RuntimeError, message: cleanup failed}}}
          cleanup_http: {yield: true, cleanup: {raises: {status: 409, detail: conflict in cleanup}}}
          convert: {yield: true, except: [{catch: ValueError, raise: {status: 400, detail: converted}}]}
        routes:
          - GET /teapot: {params: {w: "Depends(watch\(watchScope))"}, raises: {status: 418, detail: teapot}}
          - GET /value: {params: {w: "Depends(watch\(watchScope))"}, raises: {exception: ValueError, message: boom}}
          - GET /mine: {params: {w: "Depends(watch\(watchScope))"}, raises: {exception: MyErr, message: mine}}
          - GET /deny: {params: {w: "Depends(watch\(watchScope))", d: Depends(deny)}, returns: ok}
          - GET /after: {params: {w: "Depends(watch\(watchScope))", c: "Depends(cleanup_raises\(watchScope))"}, returns: ok}
          - GET /after-http: {params: {c: "Depends(cleanup_http\(watchScope))"}, returns: ok}
          - GET /convert: {params: {c: Depends(convert)}, raises: {exception: ValueError, message: x}}
          - GET /missing: {params: {w: "Depends(watch\(watchScope))"}, raises: {status: 404, detail: gone}}
        """
    }

    @Test("p05: the error response is sent after every cleanup, in all profiles", arguments: Profile.allCases)
    func handlerRaises(profile: Profile) throws {
        let t = try run(Self.app(), profile: profile, requests: ["GET /teapot", "GET /value", "GET /mine", "GET /deny"])
        #expect(t[0].status == 418 && t[0].bodyText == #"{"detail":"teapot"}"#)
        #expect(milestones(t[0]) == ["setup watch", "handler", "watch saw HTTPException 418 → re-raised", "cleanup watch", "SENT 418"])
        #expect(t[1].status == 500 && t[1].bodyText == "Internal Server Error")
        #expect(milestones(t[1]).suffix(2) == ["SENT 500", "APP RAISED ValueError"])
        #expect(t[2].status == 499)
        #expect(t[3].status == 401 && !milestones(t[3]).contains("handler"))
    }

    @Test("p05: raising after yield: 200 then a server error by default; the response in function scope and on 0.115")
    func raiseAfterYield() throws {
        let latest = try run(Self.app(), requests: ["GET /after", "GET /after-http"])
        #expect(latest[0].status == 200)
        #expect(milestones(latest[0]) == ["setup watch", "setup cleanup_raises", "handler", "SENT 200", "cleanup cleanup_raises",
                                          "watch saw RuntimeError → re-raised", "cleanup watch", "APP RAISED RuntimeError"])
        #expect(latest[1].status == 200)
        #expect(latest[1].events.last { $0.kind == .serverError }?.data["message"] == "Caught handled exception, but response already started.")
        let function = try run(Self.app(watchScope: ", scope='function'"), requests: ["GET /after", "GET /after-http"])
        #expect(function[0].status == 500 && function[1].status == 409)
        let old = try run(Self.app(), profile: .v0_115, requests: ["GET /after", "GET /after-http"])
        #expect(old[0].status == 500 && old[1].status == 409 && old[1].bodyText == #"{"detail":"conflict in cleanup"}"#)
        for p in [Profile.v0_120, .v0_105] {
            #expect(try run(Self.app(), profile: p, requests: ["GET /after"])[0].status == 200)
        }
    }

    @Test("p05: swallowing an exception, per profile")
    func swallow() throws {
        let yaml = Self.app(watchExcept: "swallow")
        func serverError(_ t: RequestTrace) -> String? { t.events.last { $0.kind == .serverError }.map { "\($0.subject): \($0.data["message"] ?? "")" } }
        let latest = try run(yaml, requests: ["GET /value", "GET /missing"])
        #expect(latest.map(\.status) == [500, 500])
        #expect(serverError(latest[0])?.hasPrefix("FastAPIError: Response not awaited.") == true)
        let function = try run(Self.app(watchScope: ", scope='function'", watchExcept: "swallow"), requests: ["GET /value"])[0]
        #expect(function.status == 500)
        #expect(serverError(function) == "UnboundLocalError: cannot access local variable 'response' where it is not associated with a value")
        #expect(serverError(try run(yaml, profile: .v0_120, requests: ["GET /value"])[0])?.hasPrefix("FastAPIError: Response not awaited.") == true)
        #expect(serverError(try run(yaml, profile: .v0_115, requests: ["GET /value"])[0])?.hasPrefix("FastAPIError: No response object was returned.") == true)
        let old = try run(yaml, profile: .v0_105, requests: ["GET /value", "GET /missing"])
        #expect(old.map(\.status) == [500, 404])
        #expect(serverError(old[0]) == "ValueError: boom")
    }

    @Test("p05: converting to HTTPException in except gives that status everywhere", arguments: Profile.allCases)
    func convert(profile: Profile) throws {
        let t = try run(Self.app(), profile: profile, requests: ["GET /convert"])[0]
        #expect(t.status == 400 && t.bodyText == #"{"detail":"converted"}"#)
    }

    @Test("an except block acts only when its condition holds")
    func conditionalExcept() throws {
        let yaml = """
        providers:
          convert: {yield: true, except: [{catch: ValueError, raise: {status: 400, detail: converted}, when: "exc.message == 'bad input'"}]}
        routes:
          - GET /x: {params: {c: Depends(convert), m: str}, raises: {exception: ValueError, message: "{{m}}"}}
        """
        let t = try run(yaml, requests: ["GET /x?m=bad%20input", "GET /x?m=other"])
        #expect(t.map(\.status) == [400, 500])
        #expect(lines(t[1], kinds: [.catch]) == ["catch convert ValueError → re-raised"])
    }

    @Test("p06: a failing task is seen by a request-scoped dependency, not on 0.115")
    func taskFailureSeen() throws {
        let yaml = """
        providers: {watch: {yield: true, except: reraise}}
        tasks: {t1: {raises: {exception: ValueError, message: task failed}}}
        routes:
          - GET /x: {params: {w: Depends(watch), bt: BackgroundTasks}, adds_tasks: [t1]}
        """
        let latest = try run(yaml, requests: ["GET /x"])[0]
        #expect(milestones(latest) == ["setup watch", "handler", "SENT 200", "bg t1", "watch saw ValueError → re-raised", "cleanup watch", "APP RAISED ValueError"])
        let old = try run(yaml, profile: .v0_115, requests: ["GET /x"])[0]
        #expect(milestones(old) == ["setup watch", "handler", "cleanup watch", "SENT 200", "bg t1", "APP RAISED ValueError"])
    }
}

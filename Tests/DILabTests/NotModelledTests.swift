@testable import DILab
import Testing

/// FastAPI and Starlette names dilab does not model are refused by name at load, with a link to
/// docs/not-modelled.md, never read as a JSON body; did-you-mean suggests only names that look alike.
@Suite("What dilab does not model")
struct NotModelledTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            let s = try ScenarioLoader.load(text: yaml, file: "bad.yaml")
            _ = try Validator.compile(s)
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    func refusal(_ param: String) -> Diagnostic? {
        diagnostics("routes:\n  - POST /x: {params: {p: \"\(param)\"}}\n").first
    }

    @Test("UploadFile, File(), Form() and form dependencies are refused with the page's anchor", arguments: [
        "UploadFile", "str = File()", "str = Form()", "Annotated[str, Form()]", "Annotated[str, File()]",
        "UploadFile = File()", "OAuth2PasswordRequestForm",
    ])
    func forms(_ param: String) {
        let d = refusal(param)
        #expect(d?.rule == "param")
        #expect(d?.message.contains("is not modelled") == true)
        #expect(d?.hint == "see docs/not-modelled.md#forms-and-files")
        #expect(d?.location.line == 2)
    }

    @Test("connection objects, Response subclasses, typing names and parsed types are refused", arguments: [
        ("HTTPConnection", "connection-objects"), ("JSONResponse", "connection-objects"), ("StreamingResponse", "connection-objects"),
        ("Union[int, str]", "types"), ("Literal['a']", "types"), ("UUID", "types"), ("datetime", "types"), ("set[int]", "types"),
        ("Tuple[int, int]", "types"),
    ])
    func types(_ param: String, _ anchor: String) {
        let d = refusal(param)
        #expect(d?.hint == "see docs/not-modelled.md#\(anchor)")
        #expect(d?.message.hasPrefix("bad parameter 'p': '") == true)
    }

    @Test("a type named only for a Depends() value is not refused")
    func typeOfADependency() throws {
        _ = try compile("providers:\n  make: {returns: 1}\nroutes:\n  - GET /x: {params: {r: \"JSONResponse = Depends(make)\", t: \"Annotated[UUID, Depends(make)]\"}}\n")
    }

    @Test("marker arguments that change what FastAPI reads are refused; the harmless values are not")
    func markerArguments() throws {
        #expect(refusal("dict = Body(embed=True)")?.hint == "see docs/not-modelled.md#body-embed")
        #expect(refusal("str = Header(convert_underscores=False)")?.hint == "see docs/not-modelled.md#header-underscores")
        #expect(refusal("dict = Body(media_type='text/plain')")?.hint == "see docs/not-modelled.md#body-embed")
        _ = try compile("routes:\n  - POST /x: {params: {p: \"dict = Body(embed=False)\", h: \"str = Header(convert_underscores=True)\"}}\n")
    }

    @Test("Annotated metadata other than FastAPI's markers is refused by name")
    func annotatedMetadata() {
        #expect(refusal("Annotated[int, Field(gt=1)]")?.hint == "see docs/not-modelled.md#annotated-metadata")
        #expect(refusal("Annotated[int, Strange()]")?.message.contains("unknown marker 'Strange'") == true)
        #expect(refusal("Annotated[str, 'a doc string']")?.hint == "see docs/not-modelled.md#annotated-metadata")
    }

    @Test("an undeclared alias-looking name is refused, a plain class name is still a body")
    func aliases() throws {
        let d = refusal("FunctionDep")
        #expect(d?.message == "bad parameter 'p': 'FunctionDep' reads like an Annotated alias, but no `aliases:` entry declares it")
        #expect(d?.hint?.contains("aliases: {FunctionDep:") == true)
        _ = try compile("routes:\n  - POST /x: {params: {item: Item}}\n")
        _ = try compile("providers:\n  get_r: {returns: 1}\naliases: {FunctionDep: \"Annotated[int, Depends(get_r)]\"}\nroutes:\n  - GET /x: {params: {r: FunctionDep}}\n")
    }

    @Test("lambda and functools.partial dependencies are refused by name")
    func uncallableDependencies() {
        #expect(refusal("Depends(partial)")?.hint == "see docs/not-modelled.md#dependencies")
        #expect(refusal("Depends(lambda)")?.hint == "see docs/not-modelled.md#dependencies")
    }

    @Test("a repeated query parameter is refused rather than read as one value")
    func listQuery() {
        #expect(refusal("list[str] = Query([])")?.message.contains("would come out wrong") == true)
        #expect(refusal("List[int] = Header()")?.hint == "see docs/not-modelled.md#types")
    }

    @Test("a hole that can raise is refused where no exception is modelled")
    func inertPlaces() {
        let d = diagnostics("routes:\n  - GET /x: {stream: [\"{{1 // 0}}\"]}\n")
        #expect(d.first?.message.contains("a chunk uses an operation that can raise") == true)
        let l = diagnostics("app:\n  lifespan:\n    startup: [{step: s, sets: {n: \"{{len(1)}}\"}}]\nroutes:\n  - GET /x: {}\n")
        #expect(l.first?.message.contains("a state value uses an operation that can raise") == true)
    }

    @Test("did-you-mean needs a real likeness, not a shared first syllable")
    func suggestions() {
        let keys = ["response_background", "response_class", "returns", "raises", "status"]
        #expect(Suggest.closest(to: "response_modle", in: keys + ["response_model"]) == "response_model")
        #expect(Suggest.closest(to: "response_model", in: keys) == nil)
        #expect(Suggest.closest(to: "respones_class", in: keys) == "response_class")
        #expect(Suggest.closest(to: "retruns", in: keys) == "returns")
        #expect(Suggest.closest(to: "integr", in: ["int", "str"]) == "int")
        #expect(Suggest.closest(to: "ab", in: ["xy"]) == nil)
        #expect(Suggest.closest(to: "stat", in: keys) == "status")
    }
}

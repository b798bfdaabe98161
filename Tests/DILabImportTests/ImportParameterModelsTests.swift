@testable import DILab
@testable import DILabExport
@testable import DILabImport
import Foundation
import Testing

/// `dilab import` of header and cookie parameter models (FastAPI 0.115+), a model's `model_config = {"extra":
/// "forbid"}`, and `EmailStr` request parameters, under each profile's real FastAPI that has them.
@Suite struct ImportParameterModelsTests {
    static let app = #"""
from typing import Annotated, List, Optional

from fastapi import Cookie, FastAPI, Header
from pydantic import BaseModel, EmailStr


class CommonHeaders(BaseModel):
    save_data: bool
    x_tag: List[str] = []


class StrictCookies(BaseModel):
    model_config = {"extra": "forbid"}
    session_id: str
    tracker: Optional[str] = None


app = FastAPI()


@app.get("/items/")
def read_items(headers: Annotated[CommonHeaders, Header()]):
    return {}


@app.get("/session/")
def read_session(cookies: Annotated[StrictCookies, Cookie()]):
    return {}


@app.get("/subscribe")
def subscribe(email: EmailStr, referrer: Optional[EmailStr] = None):
    return {}
"""#

    /// The long form import writes, `{in: query, type: EmailStr}`, is validated as `email: EmailStr` is.
    @Test func theLongFormEmailTypeIsValidatedAsAnEmail() throws {
        let scenario = try ScenarioLoader.load(text: """
            scenario: long form
            routes:
              - GET /subscribe:
                  handler: subscribe
                  params:
                    email: {in: query, type: EmailStr}
                  returns: "{{email}}"
            """)
        guard case .request(let rp)? = scenario.routes.first?.params.first?.kind else {
            Issue.record("email is not a request parameter")
            return
        }
        #expect(rp.fieldType == FieldType.email && rp.source == .query)
    }

    /// 0.105 refuses header and cookie models when the route is declared.
    static let profiles = ImportWrappedTests.profiles.filter { $0 != .v0_105 }

    @Test(.enabled(if: !profiles.isEmpty), arguments: profiles)
    func headerAndCookieModelsAndEmailParameters(profile: Profile) throws {
        let dir = NSTemporaryDirectory() + "dilab-import-param-models-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.app.write(toFile: dir + "/param_models_app.py", atomically: true, encoding: .utf8)
        let app = try Importer(python: PythonEnvironment(python: ImportWrappedTests.python(profile)), appFile: dir + "/param_models_app.py",
                               appAttribute: nil, requests: []).introspect()
        var writer = ScenarioWriter(app: app, sourceFile: "param_models_app.py", profile: profile, requests: [])
        let text = writer.write()
        let scenario = try ScenarioLoader.load(text: text)
        _ = try Validator.compile(scenario)

        #expect(text.contains(#"headers: "Annotated[CommonHeaders, Header()]""#))
        #expect(text.contains(#"cookies: "Annotated[StrictCookies, Cookie()]""#))
        let cookies = try #require(scenario.models.first { $0.name == "StrictCookies" })
        #expect(cookies.forbidsExtra)
        #expect(scenario.models.first { $0.name == "CommonHeaders" }?.forbidsExtra == false)
        #expect(text.contains("email: {in: query, type: EmailStr}"))
        #expect(text.contains("referrer: {in: query, type: EmailStr, default: null}"))
        // `type: EmailStr` is validated as an email, as the signature form is.
        let route = try #require(scenario.routes.first { $0.handlerName == "subscribe" })
        for name in ["email", "referrer"] {
            guard case .request(let rp)? = route.params.first(where: { $0.name == name })?.kind else {
                Issue.record("\(name) is not a request parameter")
                continue
            }
            #expect(rp.fieldType == FieldType.email)
        }
        #expect(!writer.warnings.contains { $0.contains("dict") || $0.contains("Any") })
    }
}

@testable import DILab
@testable import DILabExport
@testable import DILabImport
import Foundation
import Testing

/// `dilab import` on a real app with pydantic models, under the latest profile's real FastAPI: the models become
/// the scenario's `models:` section (types, defaults, `Field(...)` constraints, nesting) and `response_model`, and
/// what `models:` cannot say (a validator, default_factory) stays a dict body with the reason as a warning.
@Suite struct ImportModelsTests {
    static let app = #"""
from typing import List, Optional

from fastapi import FastAPI
from pydantic import BaseModel, EmailStr, Field, field_validator


class Owner(BaseModel):
    name: str
    age: int = 30


class Item(BaseModel):
    title: str = Field(min_length=2, max_length=9)
    price: float = Field(gt=0)
    count: int = Field(1, ge=0, le=10)
    tags: List[str] = []
    owner: Owner
    reviewer: Optional[Owner] = None
    contact: EmailStr


class Checked(BaseModel):
    value: int

    @field_validator("value")
    @classmethod
    def positive(cls, v):
        return v


class Factory(BaseModel):
    items: list = Field(default_factory=list)


app = FastAPI()


@app.post("/items", response_model=Item, response_model_exclude_unset=True)
def create_item(item: Item):
    return item


@app.post("/checked")
def create_checked(c: Checked, f: Factory):
    return {}
"""#

    static func importApp() throws -> (text: String, warnings: [String]) {
        let dir = NSTemporaryDirectory() + "dilab-import-models-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.app.write(toFile: dir + "/models_app.py", atomically: true, encoding: .utf8)
        let python = PythonEnvironment(python: Self.latestPython)
        let app = try Importer(python: python, appFile: dir + "/models_app.py", appAttribute: nil, requests: []).introspect()
        var writer = ScenarioWriter(app: app, sourceFile: "models_app.py", profile: .latest, requests: [])
        return (writer.write(), writer.warnings)
    }

    /// The latest profile's venv, when `dilab verify` has made it (a unit test does not install FastAPI; on a fresh
    /// machine scripts/import-roundtrip.sh and import-record-exports.sh cover models after verify made the venvs).
    static let latestPython = PythonEnvironment.venvRoot() + "/fastapi-\(Profile.latest.fastapiVersion)/bin/python"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: latestPython)))
    func modelsBecomeTheModelsSection() throws {
        let (text, warnings) = try Self.importApp()
        let scenario = try ScenarioLoader.load(text: text)
        _ = try Validator.compile(scenario)
        let item = try #require(scenario.models.first { $0.name == "Item" })
        #expect(item.fields.map(\.name) == ["title", "price", "count", "tags", "owner", "reviewer", "contact"])
        #expect(text.contains(#"title: "str = Field(min_length=2, max_length=9)""#))
        #expect(text.contains(#"count: "int = Field(1, ge=0, le=10)""#))
        #expect(text.contains(#"reviewer: "Owner | None = None""#))
        #expect(text.contains(#"contact: "EmailStr""#))
        #expect(text.contains("response_model: Item"))
        #expect(text.contains("response_model_exclude_unset: true"))
        // Owner is declared before Item uses it; the route's parameter is the model itself.
        #expect(text.range(of: "  Owner:")!.lowerBound < text.range(of: "  Item:")!.lowerBound)
        #expect(text.contains(#"item: "Item""#))
        // A validator and a default_factory are not modelled: those bodies stay dicts, and the file says why.
        #expect(scenario.models.allSatisfy { $0.name != "Checked" && $0.name != "Factory" })
        #expect(text.contains("# UNSUPPORTED: model Checked: its validators or serializers; read as a dict"))
        #expect(warnings.contains { $0.contains("model Factory: field items: alias or default_factory") })
    }
}

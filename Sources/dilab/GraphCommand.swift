import ArgumentParser
import DILab

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Show each route's dependency graph.")

    @Argument(help: "The scenario file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(help: "tree, dot or mermaid.")
    var format: GraphRenderer.Format = .tree

    @OptionGroup var profileOption: ProfileOption

    func run() throws {
        let app = try loadApp(scenario, profile: try profileOption.profile())
        print(GraphRenderer.render(app, format: format), terminator: "")
    }
}

extension GraphRenderer.Format: ExpressibleByArgument {}

"""Compares what the real app did (the `# observed under FastAPI ...` comment `dilab import --record` writes under each
expectation) with dilab's own trace of the imported scenario (`dilab run --format json` on stdin), event kinds a
wrapper around the app's callables can see: call, enter, exit, handler, raise, task.*, response, sent.
Usage: dilab run imported.yaml --format json | python3 scripts/import-observed.py imported.yaml"""
import json
import sys

SEEN = {"call", "enter", "exit", "handler", "raise", "response", "sent", "task.add", "task.start", "task.end", "task.fail", "server.error"}


def observed(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("# observed under FastAPI"):
            text = line.split(": ", 1)[1] if ": " in line else ""
            out.append([e for e in text.split(", ") if e])
    return out


def simulated(doc):
    out = []
    for r in doc["requests"]:
        # A validation error never reaches the handler: dilab names it with a raise line, the app has no call to wrap.
        lines = [c for c in r["compact"] if c.split(" ")[0] in SEEN and not c.endswith("RequestValidationError")]
        out.append(lines)
    return out


def main():
    want, got = observed(sys.argv[1]), simulated(json.load(sys.stdin))
    bad = 0
    for i, (w, g) in enumerate(zip(want, got), start=1):
        if w != g:
            bad += 1
            print(f"request {i}: the real app did\n    {', '.join(w)}\n  dilab traces\n    {', '.join(g)}")
    if len(want) != len(got):
        print(f"{len(want)} observed requests, {len(got)} simulated")
        bad += 1
    sys.exit(1 if bad else 0)


main()

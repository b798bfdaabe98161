"""Compares what the real app did (the `# observed under FastAPI ...` comment `dilab import --record` writes under each
expectation) with dilab's own trace of the imported scenario (`dilab run --format json` on stdin), event kinds a
wrapper around the app's callables can see: call, enter, exit, handler, raise, task.*, response, sent, server.error
(not a security scheme's, which record mode leaves unwrapped).
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
            out.append([] if text == "(no events)" else [e for e in text.split(", ") if e])
    return out


def schemes(path):
    """Security-scheme providers (`scheme:`): record mode leaves FastAPI's scheme objects unwrapped."""
    names, last = set(), None
    for line in open(path, encoding="utf-8"):
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().split("#")[0].rstrip().endswith(":"):
            last = line.split(":")[0].strip().strip('"')
        elif line.startswith("    scheme: ") and last:
            names.add(last)
    return names


def simulated(doc, unwrapped):
    out = []
    for r in doc["requests"]:
        lines = []
        for c in r["compact"]:
            parts = c.split(" ")
            # A validation error never reaches the handler: dilab names it with a raise line, the app has no call to wrap;
            # nor is `serialize_response` (FastAPI's response_model check) a callable of the app's.
            if parts[0] not in SEEN or c.endswith("RequestValidationError") or (len(parts) > 1 and parts[1] in unwrapped) \
                    or c.startswith("raise serialize_response "):
                continue
            # FastAPI calls an @lru_cache function every request (the wrapper record mode sees); its body runs once.
            lines.append(c.removesuffix(" lru_cache-hit"))
        out.append(lines)
    return out


def main():
    want, got = observed(sys.argv[1]), simulated(json.load(sys.stdin), schemes(sys.argv[1]))
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

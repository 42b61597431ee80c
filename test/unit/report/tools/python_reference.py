# Reference for the tests: Python's own textwrap.wrap and json.dumps over cases read as JSON from stdin.
import json
import sys
import textwrap

request = json.load(sys.stdin)
if request["fn"] == "wrap":
    out = [textwrap.wrap(c["text"], c["width"], drop_whitespace=c["drop"]) for c in request["cases"]]
elif request["fn"] == "dumps":
    out = [json.dumps(c["value"], indent=c["indent"], sort_keys=True, ensure_ascii=False) for c in request["cases"]]
print(json.dumps(out, ensure_ascii=True))

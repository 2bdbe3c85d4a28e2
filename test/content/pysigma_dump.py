"""Dumps pySigma's parse of Sigma rules as JSON lines, for test/content/sigma-matcher.test.ts.

For each rule: its named detections, each a list of OR-ed groups of AND-ed items, each item
with its field, value linking and values after modifiers (pattern parts, a regex or null).
Usage: python pysigma_dump.py RULE.yml...
"""
import json
import sys

from sigma.conditions import ConditionAND
from sigma.rule import SigmaDetection, SigmaDetectionItem, SigmaRule
from sigma.types import SigmaExpansion, SigmaNull, SigmaRegularExpression, SigmaString, SpecialChars


def value(v):
    if isinstance(v, SigmaExpansion):
        return [x for e in v.values for x in value(e)]
    if isinstance(v, SigmaNull):
        return [{"nullValue": True}]
    if isinstance(v, SigmaRegularExpression):
        r = v.regexp
        return [{"regex": r if isinstance(r, str) else r.original}]
    if isinstance(v, SigmaString):
        parts = []
        for p in v.s:
            if isinstance(p, str):
                if parts and "text" in parts[-1]:
                    parts[-1]["text"] += p
                else:
                    parts.append({"text": p})
            else:
                parts.append({"wildcard": "*" if p == SpecialChars.WILDCARD_MULTI else "?"})
        return [{"parts": parts}]
    return [{"parts": [{"text": str(v.to_plain() if hasattr(v, "to_plain") else v)}]}]


def item(i: SigmaDetectionItem):
    mods = {m.__name__ for m in i.modifiers}
    return {
        "field": i.field,
        "linking": "and" if i.value_linking is ConditionAND else "or",
        "cased": "SigmaCaseSensitiveModifier" in mods,
        "values": [x for v in i.value for x in value(v)],
    }


def groups(d: SigmaDetection):
    # A list of maps is a detection of sub-detections (OR-ed); a map is AND-ed items.
    if all(isinstance(x, SigmaDetection) for x in d.detection_items):
        return [[item(i) for i in sub.detection_items] for sub in d.detection_items]
    return [[item(i) for i in d.detection_items]]


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        try:
            rule = SigmaRule.from_yaml(f.read())
            out = {"file": path, "detections": {n: groups(d) for n, d in rule.detection.detections.items()}}
        except Exception as e:  # noqa: BLE001 - reported per rule, the test decides
            out = {"file": path, "error": f"{type(e).__name__}: {e}"}
    print(json.dumps(out))

"""Loads MISP event JSON files with PyMISP (as a MISP client would) and prints what it read.

PyMISP refuses unknown attribute types and categories that do not fit a type.
Usage: python pymisp_load.py EVENT.json...
"""
import json
import sys

from pymisp import MISPEvent

for path in sys.argv[1:]:
    event = MISPEvent()
    event.load_file(path)
    print(json.dumps({
        "file": path,
        "uuid": event.uuid,
        "distribution": int(event.distribution),
        "tags": [t.name for t in event.tags],
        "attributes": [{"type": a.type, "category": a.category, "value": a.value, "to_ids": a.to_ids} for a in event.attributes],
    }))

"""Pulls autosoc's TAXII 2.1 collection with OASIS's taxii2-client, as a MISP or OpenCTI
connector would: discovery, API root, collections, then every page of objects and of the
manifest. Prints one JSON document: the pages seen, the object ids in order, and the manifest.

usage: taxii_pull.py DISCOVERY_URL TOKEN PER_PAGE [ADDED_AFTER]
"""
import json
import sys

import requests
from taxii2client.v21 import Server, as_pages


class Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = "Bearer " + self.token
        return r


def main():
    url, token, per_page = sys.argv[1], sys.argv[2], int(sys.argv[3])
    filters = {"added_after": sys.argv[4]} if len(sys.argv) > 4 else {}
    server = Server(url, auth=Bearer(token))
    root = server.default
    collections = root.collections
    assert len(collections) == 1, collections
    collection = collections[0]
    pages, ids, objects = 0, [], []
    for envelope in as_pages(collection.get_objects, per_request=per_page, **filters):
        pages += 1
        for obj in envelope.get("objects", []):
            ids.append(obj["id"])
            objects.append(obj)
    manifest = []
    for envelope in as_pages(collection.get_manifest, per_request=per_page, **filters):
        manifest.extend(envelope.get("objects", []))
    print(json.dumps({
        "title": server.title, "api_root": root.url, "versions": root.versions, "collection": collection.id,
        "can_read": collection.can_read, "can_write": collection.can_write,
        "pages": pages, "ids": ids, "objects": objects, "manifest": manifest,
    }))


main()

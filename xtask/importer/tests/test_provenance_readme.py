"""Release numbers named by the bindings, and the README over several releases."""

import os
import tempfile
import unittest

from vapi_snapshot import provenance, readme


class ReleaseTest(unittest.TestCase):
    def test_newest_named_release_compares_numerically(self):
        text = ("This class was added in vSphere API 8.0.2.00300.\n"
                "This method was added in **vSphere API 8.0.3.0**. See vSphere API 8.0.10.")
        self.assertEqual(provenance.api_releases(text), {"8.0.2.00300", "8.0.3.0", "8.0.10"})
        self.assertEqual(provenance.newest(provenance.api_releases(text)), "8.0.10")
        self.assertIsNone(provenance.newest(set()))

    def test_pinned_version(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "8.0.3.0.txt")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("# pins\nvmware-vcenter==8.0.3.0 \\\n    --hash=sha256:%s\n" % ("ab" * 32))
            self.assertEqual(provenance.pinned_version(path, "vmware-vcenter"), "8.0.3.0")
            with self.assertRaises(SystemExit):
                provenance.pinned_version(path, "six")


def manifest(release, lost, without_verb):
    counts = {key: 1 for key in readme.COUNT_KEYS}
    return {
        "release": release, "api_release": release,
        "source": {"packages": [{"name": "vmware-vcenter", "version": release, "wheel_sha256": ["00"]}],
                   "shared_files": []},
        "totals": counts, "components": [dict({"id": "com.vmware.x", "file": "com.vmware.x.json"}, **counts)],
        "rest": {"operations": 1, "binding_entries": {"verb": 1, "request_mapping": 0},
                 "sources": {"verb": {"bindings": 1}, "request_mapping": {"none": 1}},
                 "without_verb": without_verb, "without_any": []},
        "tasks": {"operations": 0, "recorded": 0, "results": {}},
        "route_collisions": [],
        "lost": {"model-keys": [{"element": element, "detail": "model key fields id"} for element in lost]},
    }


class ReadmeTest(unittest.TestCase):
    def test_entries_name_the_releases_they_occur_in(self):
        text = readme.render([manifest("8.0.3.0", ["a.model", "b.model"], ["s#op"]),
                              manifest("9.1.1.0", ["a.model"], [])],
                             "## Changes\n\nchanged\n")
        self.assertIn("| `vsphere-8.0.3.0/` | 8.0.3.0 |", text)
        self.assertIn("- `a.model`: model key fields id\n", text)
        self.assertIn("- `b.model`: model key fields id (8.0.3.0)\n", text)
        self.assertIn("Entries per release: 8.0.3.0: 2, 9.1.1.0: 1.", text)
        self.assertIn("- `s#op` (8.0.3.0)\n", text)
        self.assertLess(text.index("## Releases"), text.index("## Changes"))
        self.assertLess(text.index("## Changes"), text.index("## Provenance"))
        self.assertTrue(text.endswith("\n") and not text.endswith("\n\n"))


if __name__ == "__main__":
    unittest.main()

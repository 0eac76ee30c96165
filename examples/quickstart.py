"""Evaluate the 大武口区 example and print each finding with its source sentence.

Run from the repository root:  python examples/quickstart.py
"""

from pathlib import Path

import enforcement_rules as er

records = er.load(Path(__file__).parent / "dawukou-2024" / "records.json")
report = er.evaluate(records, as_of="2024-12-31")

print(report)
print("findings per rule:", report.counts("rule"))
for finding in report:
    print()
    print(finding.explain())

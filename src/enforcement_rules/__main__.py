"""``python -m enforcement_rules``: the command for this very interpreter."""

import sys

from ._cli import main

sys.exit(main())

"""`python -m mrr_warehouse` is the `mrr` command."""

import sys

from mrr_warehouse.cli import main

sys.exit(main())

"""`python -m mrr_warehouse` is the `mrr` command."""

from mrr_warehouse.cli import run

run()

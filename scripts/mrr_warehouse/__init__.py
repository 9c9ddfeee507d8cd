"""mrr_warehouse: load CRM and billing extracts into DuckDB and build the MRR marts with dbt (`mrr` CLI)."""

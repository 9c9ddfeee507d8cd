-- Rule 8 for reporting accounts (the logic lives in macros/mrr_changes.sql, shared with the
-- parent-account rollup): one row per account and month in which it is active, plus its churn months.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

{{ mrr_changes('account_months') }}

select * from mrr_changes

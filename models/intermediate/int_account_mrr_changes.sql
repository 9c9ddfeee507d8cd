-- Rule 8 for reporting accounts (the logic lives in macros/mrr_changes.sql, shared with the
-- parent-account rollup): one row per account and month in which it is active, plus its churn months.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

{{ mrr_changes('account_months', all_account_months=ref('int_account_mrr_monthly')) }}

select * from mrr_changes
where {{ in_recompute_window('month') }}

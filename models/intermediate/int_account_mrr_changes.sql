-- Rule 8 for reporting accounts (the logic lives in macros/mrr_changes.sql, shared with the
-- parent-account rollup): one row per account and month in which it is active, plus its churn months.
-- Carries the account's id for the marts and its key for the month models it is joined with.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

account_keys as (
    select * from {{ ref('int_account_keys') }}
),

{{ mrr_changes('account_months', all_account_months=ref('int_account_mrr_monthly'), key='account_key') }},

recomputed_changes as (
    select * from mrr_changes
    where {{ in_recompute_window('month') }}
),

final as (
    select
        recomputed_changes.month,
        account_keys.account_id,
        recomputed_changes.account_key,
        recomputed_changes.opening_mrr,
        recomputed_changes.closing_mrr,
        recomputed_changes.new_mrr,
        recomputed_changes.reactivation_mrr,
        recomputed_changes.expansion_mrr,
        recomputed_changes.contraction_mrr,
        recomputed_changes.churn_mrr,
        recomputed_changes.fx_mrr,
        recomputed_changes.first_active_month
    from recomputed_changes
    left join account_keys
        on recomputed_changes.account_key = account_keys.account_key
)

select * from final

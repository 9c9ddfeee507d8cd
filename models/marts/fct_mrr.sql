{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
    where {{ in_recompute_window('month') }}
),

account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
    where {{ in_recompute_window('month') }}
),

final as (
    select
        account_changes.month,
        account_changes.account_id,
        cast(account_changes.closing_mrr as decimal(18, 2)) as mrr,
        cast(12 * account_changes.closing_mrr as decimal(18, 2)) as arr,
        account_changes.closing_mrr = 0 as is_churn_month,
        account_changes.first_active_month,
        cast(coalesce(account_months.currency_count, 0) as integer) as currency_count,
        cast(coalesce(account_months.billing_customer_count, 0) as integer) as billing_customer_count,
        cast(coalesce(account_months.subscription_count, 0) as integer) as subscription_count,
        cast(coalesce(account_months.contract_count, 0) as integer) as contract_count,
        cast(coalesce(account_months.line_count, 0) as integer) as line_count
    from account_changes
    left join account_months
        on account_changes.account_key = account_months.account_key
        and account_changes.month = account_months.month
)

select * from final

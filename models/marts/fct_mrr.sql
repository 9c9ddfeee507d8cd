with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

final as (
    select
        month,
        account_id,
        cast(closing_mrr as decimal(18, 2)) as mrr,
        cast(12 * closing_mrr as decimal(18, 2)) as arr,
        closing_mrr = 0 as is_churn_month,
        first_active_month,
        cast(currency_count as integer) as currency_count,
        cast(subscription_count as integer) as subscription_count,
        cast(contract_count as integer) as contract_count,
        cast(line_count as integer) as line_count
    from account_changes
)

select * from final

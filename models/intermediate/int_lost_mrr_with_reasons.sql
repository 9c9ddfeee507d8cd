-- Each churn movement, and each contraction movement that has a reason, with the reason Customer
-- Success recorded: the account's churn reason dated in the movement's month or the month before
-- (the latest one when several); a churn without one is 'unknown'. A contraction without a reason
-- is a downgrade nobody explained: it stays in the bridge's lost MRR, not in this drill-down.

with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

churn_reasons as (
    select * from {{ ref('int_crm_churn_reasons_validated') }}
),

losses as (
    select
        month,
        account_id,
        'churn' as movement_type,
        churn_mrr as lost_mrr
    from account_changes
    where churn_mrr > 0
    union all
    select
        month,
        account_id,
        'contraction' as movement_type,
        contraction_mrr as lost_mrr
    from account_changes
    where contraction_mrr > 0
),

matching_reasons as (
    select
        losses.month,
        losses.account_id,
        losses.movement_type,
        churn_reasons.reason_code,
        churn_reasons.churned_on,
        churn_reasons.notes,
        row_number() over (
            partition by losses.month, losses.account_id, losses.movement_type
            order by churn_reasons.churned_on desc
        ) as recency_rank
    from losses
    inner join churn_reasons
        on losses.account_id = churn_reasons.account_id
        and churn_reasons.churned_on >= cast({{ dbt.dateadd('month', -1, 'losses.month') }} as date)
        and churn_reasons.churned_on < cast({{ dbt.dateadd('month', 1, 'losses.month') }} as date)
    where churn_reasons.rejection_reason is null
),

final as (
    select
        losses.month,
        cast({{ dbt.date_trunc('quarter', 'losses.month') }} as date) as quarter_start,
        losses.account_id,
        losses.movement_type,
        losses.lost_mrr,
        coalesce(matching_reasons.reason_code, 'unknown') as reason_code,
        matching_reasons.churned_on,
        matching_reasons.notes
    from losses
    left join matching_reasons
        on losses.month = matching_reasons.month
        and losses.account_id = matching_reasons.account_id
        and losses.movement_type = matching_reasons.movement_type
        and matching_reasons.recency_rank = 1
    where losses.movement_type = 'churn'
        or matching_reasons.reason_code is not null
)

select * from final

-- Rule 8: each account-month against the month before. An account appears in the months it is
-- active (rounded MRR > 0) and in the month after each active run (its churn month, MRR 0).
--   prev = 0, cur > 0: new (first active month ever) or reactivation, amount = cur
--   prev > 0, cur = 0: churn, amount = prev
--   both > 0: fx = the exchange-rate effect (rounded), the rest (cur - prev - fx) is expansion
--             when positive, contraction when negative; so fx never shows as expansion.
-- Every amount is a whole number of cents and opening + movements = closing exactly.

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

active_months as (
    select
        *,
        min(month) over (partition by account_id) as first_active_month,
        lead(month) over (partition by account_id order by month) as next_active_month
    from account_months
    where mrr > 0
),

churn_months as (
    select
        cast({{ dbt.dateadd('month', 1, 'month') }} as date) as month,
        account_id,
        cast(0 as decimal(18, 2)) as mrr,
        cast(0 as decimal(18, 2)) as fx_effect,
        0 as currency_count,
        0 as subscription_count,
        0 as contract_count,
        0 as line_count,
        first_active_month
    from active_months
    where cast({{ dbt.dateadd('month', 1, 'month') }} as date) <= {{ as_of_month() }}
        and (
            next_active_month is null
            or next_active_month > cast({{ dbt.dateadd('month', 1, 'month') }} as date)
        )
),

account_timeline as (
    select
        month,
        account_id,
        mrr,
        fx_effect,
        currency_count,
        subscription_count,
        contract_count,
        line_count,
        first_active_month
    from active_months
    union all
    select * from churn_months
),

with_previous as (
    select
        *,
        case
            when lag(month) over (partition by account_id order by month)
                = cast({{ dbt.dateadd('month', -1, 'month') }} as date)
                then lag(mrr) over (partition by account_id order by month)
            else cast(0 as decimal(18, 2))
        end as opening_mrr
    from account_timeline
),

classified as (
    select
        month,
        account_id,
        opening_mrr,
        mrr as closing_mrr,
        first_active_month,
        currency_count,
        subscription_count,
        contract_count,
        line_count,
        case when opening_mrr > 0 and mrr > 0 then fx_effect else 0 end as fx_mrr
    from with_previous
),

final as (
    select
        month,
        account_id,
        opening_mrr,
        closing_mrr,
        case
            when opening_mrr = 0 and closing_mrr > 0 and month = first_active_month then closing_mrr else 0
        end as new_mrr,
        case
            when opening_mrr = 0 and closing_mrr > 0 and month > first_active_month then closing_mrr else 0
        end as reactivation_mrr,
        case
            when opening_mrr > 0 and closing_mrr > 0 and closing_mrr - opening_mrr - fx_mrr > 0
                then closing_mrr - opening_mrr - fx_mrr
            else 0
        end as expansion_mrr,
        case
            when opening_mrr > 0 and closing_mrr > 0 and closing_mrr - opening_mrr - fx_mrr < 0
                then opening_mrr - closing_mrr + fx_mrr
            else 0
        end as contraction_mrr,
        case when opening_mrr > 0 and closing_mrr = 0 then opening_mrr else 0 end as churn_mrr,
        fx_mrr,
        first_active_month,
        currency_count,
        subscription_count,
        contract_count,
        line_count
    from classified
)

select * from final

-- Drill-down promise: per account and month, the movements add up to the change in fct_mrr.
-- Checks the months this build wrote (both facts are incremental; every month on a full refresh).
-- Accounts are matched on their 64-bit key (macros/splits.sql; int_revenue_lines fails the build if
-- two ids share one): windows, groups and joins on it cost half what they cost on the text id.
with mrr as (
    select
        month,
        {{ value_fingerprint('account_id') }} as account_key,
        account_id,
        mrr
    from {{ ref('fct_mrr') }}
    where {{ in_months_this_build_wrote('month', months_before=1) }}
),

mrr_with_previous as (
    select
        month,
        account_key,
        account_id,
        mrr,
        case
            when lag(month) over (partition by account_key order by month)
                = cast({{ dbt.dateadd('month', -1, 'month') }} as date)
                then lag(mrr) over (partition by account_key order by month)
            else 0
        end as previous_mrr
    from mrr
),

movements as (
    select
        month,
        {{ value_fingerprint('account_id') }} as account_key,
        min(account_id) as account_id,
        sum(mrr_change) as total_change
    from {{ ref('fct_mrr_movements') }}
    where {{ in_months_this_build_wrote('month') }}
    group by
        month,
        {{ value_fingerprint('account_id') }}
)

select
    coalesce(mrr_with_previous.month, movements.month) as month,
    coalesce(mrr_with_previous.account_id, movements.account_id) as account_id,
    mrr_with_previous.mrr,
    mrr_with_previous.previous_mrr,
    movements.total_change
from mrr_with_previous
full outer join movements
    on mrr_with_previous.month = movements.month
    and mrr_with_previous.account_key = movements.account_key
where (
    coalesce(mrr_with_previous.mrr - mrr_with_previous.previous_mrr, 0) != coalesce(movements.total_change, 0)
    or mrr_with_previous.account_key is null
)
and {{ in_months_this_build_wrote('coalesce(mrr_with_previous.month, movements.month)') }}

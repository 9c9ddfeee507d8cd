-- Drill-down promise: per account and month, the movements add up to the change in fct_mrr.
-- Checks the months this build wrote (both facts are incremental; every month on a full refresh).
with mrr as (
    select
        month,
        account_id,
        mrr,
        case
            when lag(month) over (partition by account_id order by month)
                = cast({{ dbt.dateadd('month', -1, 'month') }} as date)
                then lag(mrr) over (partition by account_id order by month)
            else 0
        end as previous_mrr
    from {{ ref('fct_mrr') }}
    where {{ in_months_this_build_wrote('month', months_before=1) }}
),

movements as (
    select
        month,
        account_id,
        sum(mrr_change) as total_change
    from {{ ref('fct_mrr_movements') }}
    where {{ in_months_this_build_wrote('month') }}
    group by month, account_id
)

select
    mrr.month,
    mrr.account_id,
    mrr.mrr,
    mrr.previous_mrr,
    movements.total_change
from mrr
full outer join movements
    on mrr.month = movements.month
    and mrr.account_id = movements.account_id
where (
    coalesce(mrr.mrr - mrr.previous_mrr, 0) != coalesce(movements.total_change, 0)
    or mrr.account_id is null
)
and {{ in_months_this_build_wrote('coalesce(mrr.month, movements.month)') }}

-- Drill-down promise: per account and month, the movements add up to the change in fct_mrr
-- (an account-month missing from fct_mrr counts as 0), and a churn movement comes with the churn
-- month's row in fct_mrr (MRR 0), as the issue's fct_mrr promises.
-- Checks the months this build wrote (both facts are incremental; every month on a full refresh).
-- Each account-month of fct_mrr is listed as its month's MRR and, a month later, as the previous
-- month's; macros/reconciliation.sql finds the account-months where mrr - previous_mrr - movements
-- or churn_rows - churn_movements is not zero.
{%- set signed_rows %}
    select
        month,
        account_id,
        mrr,
        0 as previous_mrr,
        0 as movements,
        case when mrr = 0 then 1 else 0 end as churn_rows,
        0 as churn_movements
    from {{ ref('fct_mrr') }}
    where {{ in_months_this_build_wrote('month') }}
    union all
    select
        cast({{ dbt.dateadd('month', 1, 'month') }} as date) as month,
        account_id,
        0 as mrr,
        mrr as previous_mrr,
        0 as movements,
        0 as churn_rows,
        0 as churn_movements
    from {{ ref('fct_mrr') }}
    where {{ in_months_this_build_wrote('month', months_before=1) }}
        and month < {{ as_of_month() }}
    union all
    select
        month,
        account_id,
        0 as mrr,
        0 as previous_mrr,
        mrr_change as movements,
        0 as churn_rows,
        case when movement_type = 'churn' then 1 else 0 end as churn_movements
    from {{ ref('fct_mrr_movements') }}
    where {{ in_months_this_build_wrote('month') }}
{%- endset %}

{{ account_months_not_adding_up(
    signed_rows,
    columns=['mrr', 'previous_mrr', 'movements', 'churn_rows', 'churn_movements'],
    differences=['mrr - previous_mrr - movements', 'churn_rows - churn_movements'],
) }}

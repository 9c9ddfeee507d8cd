-- One row per account and month with counted lines: the plan that brings the account the most
-- gross MRR that month (ties: the smallest plan id), so a bridge can be sliced by plan with every
-- account in exactly one slice. A CRM contract counts as the plan 'crm_contract'.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with line_months as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month') }}
),

plan_mrr as (
    select
        month,
        account_id,
        coalesce(plan_id, line_source) as plan_id,
        sum(cast(mrr_numerator as {{ type_ratio() }}) / mrr_denominator) as gross_local_mrr
    from line_months
    group by
        month,
        account_id,
        coalesce(plan_id, line_source)
),

ranked as (
    select
        month,
        account_id,
        plan_id,
        row_number() over (
            partition by account_id, month
            order by gross_local_mrr desc, plan_id asc
        ) as plan_rank
    from plan_mrr
),

final as (
    select
        month,
        account_id,
        plan_id as primary_plan_id
    from ranked
    where plan_rank = 1
)

select * from final

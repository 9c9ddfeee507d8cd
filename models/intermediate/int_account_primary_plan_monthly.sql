-- One row per account and month with counted lines, for accounts that ever had several plans: the
-- plan that brings the account the most gross MRR that month (ties: the smallest plan id), so a
-- bridge can be sliced by plan with every account in exactly one slice. A CRM contract counts as
-- the plan 'crm_contract'. An account with one plan ever (~55% of account-months) has it in every
-- month: readers take it from int_accounts_sole_product_and_plan instead of 7M more rows here.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with accounts_with_several_plans as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_plan_id is null
),

line_months as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month') }}
),

plan_mrr as (
    select
        line_months.month,
        line_months.account_id,
        {{ plan_key('line_months.plan_id', 'line_months.line_source') }} as plan_id,
        -- Rounded to a millionth: sums of equal shares in doubles differ in their last bits, and
        -- must tie (then the smaller plan id wins), not be decided by the order they were added in.
        round(sum(cast(line_months.mrr_numerator as {{ type_ratio() }}) / line_months.mrr_denominator), 6)
            as gross_local_mrr
    from line_months
    inner join accounts_with_several_plans
        on line_months.account_id = accounts_with_several_plans.account_id
    group by
        line_months.month,
        line_months.account_id,
        {{ plan_key('line_months.plan_id', 'line_months.line_source') }}
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

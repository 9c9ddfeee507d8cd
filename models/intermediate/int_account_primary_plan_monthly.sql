-- One row per account that ever had several plans and month with counted lines: the plan that
-- brings the account the most gross MRR that month, in the reporting currency at the month's rate
-- (ties: the smallest plan id), so a bridge can be sliced by plan with every account in exactly one
-- slice. A CRM contract counts as the plan 'crm_contract'.
-- Only accounts whose lines ever overlap rank them; the others have the plan of their one line. Accounts
-- with one plan ever (~55% of account-months) are left to the slices, which take their sole plan:
-- a row per account-month for them only to be joined again cost ~1 s at 1M accounts.

-- A view: its one reader, mrr_bridge_monthly_by_slice, computes it for the months it recomputes.
-- Stored (then with every account: 13.5M rows at 1M accounts), it and its grain test cost ~2 s more
-- than computing it there; its grain is tested there too (a second row for an account-month counts
-- the account twice in every slice type, and assert_slices_add_up_to_bridge fails).

{{ config(materialized='view') }}

with accounts_with_several_plans as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_plan_id is null
),

line_months_of_accounts_with_one_line_a_month as (
    select * from {{ ref('int_revenue_line_months') }}
    where not account_lines_overlap
),

line_months as (
    select * from {{ ref('int_revenue_line_months') }}
    where account_lines_overlap
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

single_line_account_months as (
    select
        line_months_of_accounts_with_one_line_a_month.month,
        line_months_of_accounts_with_one_line_a_month.account_key,
        {{ plan_key(
            'line_months_of_accounts_with_one_line_a_month.plan_id',
            'line_months_of_accounts_with_one_line_a_month.line_source'
        ) }} as primary_plan_id
    from line_months_of_accounts_with_one_line_a_month
    inner join accounts_with_several_plans
        on line_months_of_accounts_with_one_line_a_month.account_key = accounts_with_several_plans.account_key
),

plan_mrr as (
    select
        line_months.month,
        line_months.account_key,
        {{ plan_key('line_months.plan_id', 'line_months.line_source') }} as plan_id,
        -- Rounded to a millionth: sums of equal shares in doubles differ in their last bits, and
        -- must tie (then the smaller plan id wins), not be decided by the order they were added in.
        {{ round_ratio(
            'sum(cast(line_months.mrr_numerator as ' ~ type_ratio() ~ ') / line_months.mrr_denominator'
            ~ ' * cast(fx_rates_monthly.rate_to_reporting as ' ~ type_ratio() ~ '))',
            6
        ) }} as gross_mrr
    from line_months
    inner join accounts_with_several_plans
        on line_months.account_key = accounts_with_several_plans.account_key
    inner join fx_rates_monthly
        on line_months.currency = fx_rates_monthly.currency
        and line_months.month = fx_rates_monthly.month
    group by
        line_months.month,
        line_months.account_key,
        {{ plan_key('line_months.plan_id', 'line_months.line_source') }}
),

ranked as (
    select
        month,
        account_key,
        plan_id,
        row_number() over (
            partition by account_key, month
            order by gross_mrr desc, plan_id asc
        ) as plan_rank
    from plan_mrr
),

final as (
    select
        month,
        account_key,
        primary_plan_id
    from single_line_account_months
    union all
    select
        month,
        account_key,
        plan_id as primary_plan_id
    from ranked
    where plan_rank = 1
)

select * from final

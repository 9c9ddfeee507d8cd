-- The monthly bridge cut by account attributes and by plan. For each slice_type, the slices of a
-- month add up to mrr_bridge_monthly (every account-month is in exactly one slice value; empty =
-- '(none)'). The plan slice is the account's primary plan that month (its churn month: the plan it
-- left), so an account that changes plan moves between plan slices from one month to the next.
-- Incremental: an account's current attributes place all its months, so besides the months the
-- month models recompute, a change of attributes recomputes the months from the first active month
-- of the accounts it touched (int_slice_recompute_window).
-- depends_on: {{ ref('int_slice_recompute_window') }}

{{ config(
    materialized='incremental',
    incremental_strategy='replace_months',
    on_schema_change='fail',
    recompute_window='int_slice_recompute_window',
) }}

{%- set slice_types = account_slice_types() %}

with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
    where {{ in_recompute_window('month') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

accounts_with_one_plan as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_plan_id is not null
),

-- Accounts with one plan ever have it every month; the others have a primary plan per month, and
-- a churn month takes the plan of the month before.
primary_plans as (
    select * from {{ ref('int_account_primary_plan_monthly') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

account_slices as (
    -- One read of the account changes, with every slice value beside it (DuckDB would hold a CTE
    -- read once per slice type in memory).
    select
        account_changes.*,
        {%- for slice_type in slice_types %}
        coalesce(accounts.{{ slice_type }}, '(none)') as {{ slice_type }}_value,
        {%- endfor %}
        coalesce(accounts_with_one_plan.sole_plan_id, primary_plans.primary_plan_id, '(none)') as plan_value
    from account_changes
    left join accounts
        on account_changes.account_id = accounts.account_id
    left join accounts_with_one_plan
        on account_changes.account_key = accounts_with_one_plan.account_key
    left join primary_plans
        on account_changes.account_key = primary_plans.account_key
        and primary_plans.month = case
            when account_changes.closing_mrr > 0 then account_changes.month
            else cast({{ dbt.dateadd('month', -1, 'account_changes.month') }} as date)
        end
),

slice_type_names as (
    {%- for slice_type in slice_types + ['plan'] %}
    select '{{ slice_type }}' as slice_type
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

sliced_changes as (
    select
        slice_type_names.slice_type,
        case slice_type_names.slice_type
            {%- for slice_type in slice_types + ['plan'] %}
            when '{{ slice_type }}' then account_slices.{{ slice_type }}_value
            {%- endfor %}
        end as slice_value,
        account_slices.*
    from account_slices
    cross join slice_type_names
),

final as (
    select
        month,
        cast(slice_type as {{ dbt.type_string() }}) as slice_type,
        cast(slice_value as {{ dbt.type_string() }}) as slice_value,
        {{ mrr_bridge_sums() }}
    from sliced_changes
    group by
        month,
        slice_type,
        slice_value
)

select * from final

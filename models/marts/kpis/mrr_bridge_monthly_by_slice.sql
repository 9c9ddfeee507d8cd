-- The monthly bridge cut by account attributes and by plan. For each slice_type, the slices of a
-- month add up to mrr_bridge_monthly (every account-month is in exactly one slice value; empty =
-- '(none)'). The plan slice is the account's primary plan that month (its churn month: the plan it
-- left), so an account that changes plan moves between plan slices from one month to the next.
{%- set slice_types = ['segment', 'region', 'industry', 'owner'] %}

with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

primary_plans as (
    select * from {{ ref('int_account_primary_plan_monthly') }}
),

sliced_changes as (
    {%- for slice_type in slice_types %}
    select
        '{{ slice_type }}' as slice_type,
        coalesce(accounts.{{ slice_type }}, '(none)') as slice_value,
        account_changes.*
    from account_changes
    left join accounts
        on account_changes.account_id = accounts.account_id
    union all
    {%- endfor %}
    select
        'plan' as slice_type,
        coalesce(primary_plans.primary_plan_id, '(none)') as slice_value,
        account_changes.*
    from account_changes
    left join primary_plans
        on account_changes.account_id = primary_plans.account_id
        and primary_plans.month = case
            when account_changes.closing_mrr > 0 then account_changes.month
            else cast({{ dbt.dateadd('month', -1, 'account_changes.month') }} as date)
        end
),

final as (
    select
        month,
        cast(slice_type as varchar) as slice_type,
        cast(slice_value as varchar) as slice_value,
        {{ mrr_bridge_sums() }}
    from sliced_changes
    group by
        month,
        slice_type,
        slice_value
)

select * from final

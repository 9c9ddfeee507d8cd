-- The monthly bridge cut by account attributes. For each slice_type, the slices of a month add
-- up to mrr_bridge_monthly (every account is in exactly one slice value; empty = '(none)').
{%- set slice_types = ['segment', 'region', 'industry', 'owner'] %}

with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
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
    {{ "union all" if not loop.last }}
    {%- endfor %}
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

-- For every slice type, the slices of a month add up to the monthly bridge.
{%- set columns = ['opening_mrr', 'new_mrr', 'expansion_mrr', 'reactivation_mrr', 'contraction_mrr', 'churn_mrr',
    'fx_mrr', 'closing_mrr', 'opening_customers', 'new_customers', 'reactivated_customers', 'churned_customers',
    'closing_customers'] %}

with slices as (
    select
        {%- for column in columns %}
        sum({{ column }}) as {{ column }},
        {%- endfor %}
        month,
        slice_type
    from {{ ref('mrr_bridge_monthly_by_slice') }}
    group by
        month,
        slice_type
),

slice_types as (
    select distinct slice_type from slices
),

expected as (
    select
        bridge.*,
        slice_types.slice_type
    from {{ ref('mrr_bridge_monthly') }} as bridge
    cross join slice_types
    where bridge.opening_mrr != 0 or bridge.closing_mrr != 0
)

select
    expected.month,
    expected.slice_type
from expected
left join slices
    on expected.month = slices.month
    and expected.slice_type = slices.slice_type
where slices.month is null
    {%- for column in columns %}
    or expected.{{ column }} != slices.{{ column }}
    {%- endfor %}

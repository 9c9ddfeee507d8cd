-- Quarterly and yearly bridges are their months: opening of the first, closing of the last,
-- movements and customer events summed.
{%- set measures = ['new_mrr', 'expansion_mrr', 'reactivation_mrr', 'contraction_mrr', 'churn_mrr', 'fx_mrr',
    'new_customers', 'reactivated_customers', 'churned_customers'] %}

with monthly as (
    select * from {{ ref('mrr_bridge_monthly') }}
),

{%- for period, period_model in [('quarter', 'mrr_bridge_quarterly'), ('year', 'mrr_bridge_yearly')] %}

{{ period }}_from_months as (
    select
        '{{ period }}' as period_type,
        cast({{ dbt.date_trunc(period, 'month') }} as date) as period_start,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }},
        {%- endfor %}
        min(month) as first_month,
        max(month) as last_month
    from monthly
    group by cast({{ dbt.date_trunc(period, 'month') }} as date)
),

{{ period }}_mismatches as (
    select
        from_months.period_type,
        from_months.period_start
    from {{ period }}_from_months as from_months
    left join {{ ref(period_model) }} as period_bridge
        on from_months.period_start = period_bridge.period_start
    left join monthly as first_month
        on from_months.first_month = first_month.month
    left join monthly as last_month
        on from_months.last_month = last_month.month
    where period_bridge.period_start is null
        or period_bridge.opening_mrr != first_month.opening_mrr
        or period_bridge.closing_mrr != last_month.closing_mrr
        or period_bridge.opening_customers != first_month.opening_customers
        or period_bridge.closing_customers != last_month.closing_customers
        {%- for measure in measures %}
        or period_bridge.{{ measure }} != from_months.{{ measure }}
        {%- endfor %}
),
{%- endfor %}

all_mismatches as (
    select * from quarter_mismatches
    union all
    select * from year_mismatches
)

select * from all_mismatches

{#- Retention KPIs, defined once and used by the monthly, quarterly and yearly marts.
    Every rate is relative to opening MRR (null when there is none) and constant-currency:
    fx movements appear in no numerator. -#}

{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} != 0
            then
                cast({{ numerator }} as {{ type_ratio() }})
                / cast({{ denominator }} as {{ type_ratio() }})
    end
{%- endmacro %}

{#- Expects the bridge columns (opening_mrr, new_mrr, ..., closing_customers) in scope. -#}
{% macro mrr_kpi_columns() -%}
        cast(new_mrr + expansion_mrr + reactivation_mrr as decimal(18, 2)) as gained_mrr,
        cast(churn_mrr + contraction_mrr as decimal(18, 2)) as lost_mrr,
        {{ safe_ratio('expansion_mrr', 'opening_mrr') }} as expansion_rate,
        {{ safe_ratio('contraction_mrr', 'opening_mrr') }} as contraction_rate,
        {{ safe_ratio('churn_mrr', 'opening_mrr') }} as churn_rate,
        {{ safe_ratio('churn_mrr + contraction_mrr', 'opening_mrr') }} as gross_mrr_churn_rate,
        {{ safe_ratio('churn_mrr + contraction_mrr - expansion_mrr', 'opening_mrr') }} as net_mrr_churn_rate,
        {{ safe_ratio('opening_mrr + expansion_mrr - contraction_mrr - churn_mrr', 'opening_mrr') }} as nrr,
        {{ safe_ratio('opening_mrr - contraction_mrr - churn_mrr', 'opening_mrr') }} as grr,
        {{ safe_ratio('churned_customers', 'opening_customers') }} as logo_churn_rate,
        {{ safe_ratio('new_mrr + reactivation_mrr + expansion_mrr', 'churn_mrr + contraction_mrr') }} as quick_ratio,
        {{ safe_ratio('closing_mrr', 'closing_customers') }} as arpa
{%- endmacro %}

{#- A bridge over quarters or years: opening of the first month, closing of the last, movements
    and customer events summed over the months (a churn and a return in one quarter are both counted). -#}
{% macro mrr_bridge_by_period(period) -%}
with bridge_monthly as (
    select * from {{ ref('mrr_bridge_monthly') }}
),

months_in_period as (
    select
        *,
        cast({{ dbt.date_trunc(period, 'month') }} as date) as period_start,
        row_number() over (partition by {{ dbt.date_trunc(period, 'month') }} order by month) as month_rank_ascending,
        row_number() over (partition by {{ dbt.date_trunc(period, 'month') }} order by month desc)
            as month_rank_descending
    from bridge_monthly
),

period_totals as (
    select
        period_start,
        count(*) as months_reported,
        max(month) as last_month,
        sum(case when month_rank_ascending = 1 then opening_mrr end) as opening_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churn_mrr) as churn_mrr,
        sum(fx_mrr) as fx_mrr,
        sum(case when month_rank_descending = 1 then closing_mrr end) as closing_mrr,
        sum(case when month_rank_ascending = 1 then opening_customers end) as opening_customers,
        sum(new_customers) as new_customers,
        sum(reactivated_customers) as reactivated_customers,
        sum(churned_customers) as churned_customers,
        sum(case when month_rank_descending = 1 then closing_customers end) as closing_customers
    from months_in_period
    group by period_start
),

final as (
    select
        period_start,
        cast({{ dbt.dateadd('day', -1, add_periods(period, 1, 'period_start')) }} as date) as period_end,
        last_month,
        cast({{ dbt.dateadd('day', -1, add_periods(period, 1, 'period_start')) }} as date) <= {{ as_of_date() }}
            as is_complete,
        cast(opening_mrr as decimal(18, 2)) as opening_mrr,
        cast(new_mrr as decimal(18, 2)) as new_mrr,
        cast(expansion_mrr as decimal(18, 2)) as expansion_mrr,
        cast(reactivation_mrr as decimal(18, 2)) as reactivation_mrr,
        cast(contraction_mrr as decimal(18, 2)) as contraction_mrr,
        cast(churn_mrr as decimal(18, 2)) as churn_mrr,
        cast(fx_mrr as decimal(18, 2)) as fx_mrr,
        cast(closing_mrr as decimal(18, 2)) as closing_mrr,
        cast(
            new_mrr + expansion_mrr + reactivation_mrr - contraction_mrr - churn_mrr as decimal(18, 2)
        ) as net_new_mrr,
        cast(opening_customers as integer) as opening_customers,
        cast(new_customers as integer) as new_customers,
        cast(reactivated_customers as integer) as reactivated_customers,
        cast(churned_customers as integer) as churned_customers,
        cast(closing_customers as integer) as closing_customers,
        cast(12 * closing_mrr as decimal(18, 2)) as arr,
        {{ mrr_kpi_columns() }}
    from period_totals
)

select * from final
{%- endmacro %}

{#- Every metric a goal can name, with how an open period's run rate projects it to period end:
      flow       a sum of movements (or customers moving): x period days / elapsed days;
      rate       flows over the period's opening (fixed): the same, its flows run on;
      retention  1 + flows over opening (nrr, grr): 1 + (actual - 1) x period days / elapsed days;
      level      a state at period end: its value at the period's start plus its change so far run
                 on, start + (actual - start) x period days / elapsed days (kpi_period_start_values);
      fixed      known once the period starts (opening MRR and customers), or a ratio of flows that
                 run on alike (quick ratio): as it stands. -#}
{% macro kpi_metrics() -%}
    {{ return({
        'new_mrr': 'flow', 'expansion_mrr': 'flow', 'reactivation_mrr': 'flow', 'contraction_mrr': 'flow',
        'churn_mrr': 'flow', 'fx_mrr': 'flow', 'gained_mrr': 'flow', 'lost_mrr': 'flow', 'net_new_mrr': 'flow',
        'new_customers': 'flow', 'reactivated_customers': 'flow', 'churned_customers': 'flow',
        'expansion_rate': 'rate', 'contraction_rate': 'rate', 'churn_rate': 'rate', 'gross_mrr_churn_rate': 'rate',
        'net_mrr_churn_rate': 'rate', 'logo_churn_rate': 'rate', 'nrr': 'retention', 'grr': 'retention',
        'opening_mrr': 'fixed', 'closing_mrr': 'level', 'arr': 'level', 'opening_customers': 'fixed',
        'closing_customers': 'level', 'arpa': 'level', 'quick_ratio': 'fixed',
    }) }}
{%- endmacro %}

{#- Each level metric's value at the start of its period, from the period's columns. -#}
{% macro kpi_period_start_values() -%}
    {{ return({
        'closing_mrr': 'opening_mrr',
        'arr': '12 * opening_mrr',
        'closing_customers': 'opening_customers',
        'arpa': 'opening_mrr / nullif(opening_customers, 0)',
    }) }}
{%- endmacro %}

{#- Ratios are doubles: dbt.type_float() is a 4-byte REAL on DuckDB. -#}
{% macro type_ratio() -%}
    {{ return(adapter.dispatch('type_ratio', 'mrr_warehouse')()) }}
{%- endmacro %}

{% macro default__type_ratio() -%}
    double precision
{%- endmacro %}

{% macro spark__type_ratio() -%}
    double
{%- endmacro %}

{#- A ratio rounded to `places` decimals: Postgres rounds to a number of places numerics only. -#}
{% macro round_ratio(value, places) -%}
    {{ return(adapter.dispatch('round_ratio', 'mrr_warehouse')(value, places)) }}
{%- endmacro %}

{% macro default__round_ratio(value, places) -%}
    round({{ value }}, {{ places }})
{%- endmacro %}

{% macro postgres__round_ratio(value, places) -%}
    round(cast({{ value }} as numeric), {{ places }})
{%- endmacro %}

{#- The bridge sums over account-month changes (int_account_mrr_changes or a rollup of the
    same shape), so every bridge grain counts MRR and customers the same way. -#}
{% macro mrr_bridge_sums() -%}
        cast(sum(opening_mrr) as decimal(18, 2)) as opening_mrr,
        cast(sum(new_mrr) as decimal(18, 2)) as new_mrr,
        cast(sum(expansion_mrr) as decimal(18, 2)) as expansion_mrr,
        cast(sum(reactivation_mrr) as decimal(18, 2)) as reactivation_mrr,
        cast(sum(contraction_mrr) as decimal(18, 2)) as contraction_mrr,
        cast(sum(churn_mrr) as decimal(18, 2)) as churn_mrr,
        cast(sum(fx_mrr) as decimal(18, 2)) as fx_mrr,
        cast(sum(closing_mrr) as decimal(18, 2)) as closing_mrr,
        {#- Net new MRR is the business change (gained - lost): fx moves closing but is no one's new MRR. #}
        cast(
            sum(new_mrr) + sum(expansion_mrr) + sum(reactivation_mrr) - sum(contraction_mrr) - sum(churn_mrr)
            as decimal(18, 2)
        ) as net_new_mrr,
        cast(sum(case when opening_mrr > 0 then 1 else 0 end) as integer) as opening_customers,
        cast(sum(case when new_mrr > 0 then 1 else 0 end) as integer) as new_customers,
        cast(sum(case when reactivation_mrr > 0 then 1 else 0 end) as integer) as reactivated_customers,
        cast(sum(case when churn_mrr > 0 then 1 else 0 end) as integer) as churned_customers,
        cast(sum(case when closing_mrr > 0 then 1 else 0 end) as integer) as closing_customers,
        cast(12 * sum(closing_mrr) as decimal(18, 2)) as arr
{%- endmacro %}

{#- CTEs `monthly_totals` and `final`: a monthly bridge over the whole reporting calendar (months
    with no activity included, so opening(M) = closing(M-1) holds without gaps) from customer-month
    changes (the columns of int_account_mrr_changes). The caller imports `reporting_months`. -#}
{% macro mrr_bridge_over_calendar(customer_changes) -%}
monthly_totals as (
    select
        month,
        {{ mrr_bridge_sums() }}
    from {{ customer_changes }}
    group by month
),

final as (
    select
        reporting_months.month,
        {%- for column in ['opening_mrr', 'new_mrr', 'expansion_mrr', 'reactivation_mrr', 'contraction_mrr',
            'churn_mrr', 'fx_mrr', 'closing_mrr', 'net_new_mrr'] %}
        coalesce(monthly_totals.{{ column }}, cast(0 as decimal(18, 2))) as {{ column }},
        {%- endfor %}
        {%- for column in ['opening_customers', 'new_customers', 'reactivated_customers', 'churned_customers',
            'closing_customers'] %}
        coalesce(monthly_totals.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(monthly_totals.arr, cast(0 as decimal(18, 2))) as arr
    from reporting_months
    left join monthly_totals
        on reporting_months.month = monthly_totals.month
)
{%- endmacro %}

{#- The account attributes the bridge is sliced by (mrr_bridge_monthly_by_slice), besides the plan. -#}
{% macro account_slice_types() -%}
    {{ return(['segment', 'region', 'industry', 'owner']) }}
{%- endmacro %}

{#- dbt.dateadd by whole calendar periods, a quarter as three months: Postgres's intervals have no
    quarters, so dbt.dateadd('quarter', ...) fails there. -#}
{% macro add_periods(period, count, date) -%}
    {%- if period == 'quarter' -%}
        {{ dbt.dateadd('month', count * 3, date) }}
    {%- else -%}
        {{ dbt.dateadd(period, count, date) }}
    {%- endif -%}
{%- endmacro %}

-- Quarter-to-date and year-to-date against the same stretch of the previous period ("Net MRR QTD
-- vs last QTD"). The current period runs from its start through the as_of month (measured at
-- as_of); the previous one covers the same number of months from its start, measured at month
-- ends, because MRR is a month-end snapshot measure. Months before the first month of the bridge
-- had no MRR: a previous period before it opens and closes at 0, as its movements (none) add up to.
{%- set measures = ['new_mrr', 'expansion_mrr', 'reactivation_mrr', 'contraction_mrr', 'churn_mrr', 'fx_mrr'] %}

with bridge_monthly as (
    select * from {{ ref('mrr_bridge_monthly') }}
),

periods as (
    {%- for period in ['quarter', 'year'] %}
    select
        '{{ period }}' as period_type,
        cast({{ dbt.date_trunc(period, as_of_date()) }} as date) as current_period_start,
        cast({{ add_periods(period, -1, dbt.date_trunc(period, as_of_date())) }} as date) as previous_period_start,
        {{ dbt.datediff(dbt.date_trunc(period, as_of_date()), as_of_month(), 'month') }} + 1 as months_to_date  -- noqa: LT05
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

months_to_date as (
    select
        periods.period_type,
        periods.current_period_start,
        periods.months_to_date,
        case
            when bridge_monthly.month >= periods.current_period_start then 'current' else 'previous'
        end as which_period,
        bridge_monthly.*,
        row_number() over (
            partition by periods.period_type, bridge_monthly.month >= periods.current_period_start
            order by bridge_monthly.month
        ) as month_rank_ascending,
        row_number() over (
            partition by periods.period_type, bridge_monthly.month >= periods.current_period_start
            order by bridge_monthly.month desc
        ) as month_rank_descending
    from periods
    inner join bridge_monthly
        on (
            bridge_monthly.month >= periods.current_period_start
            and bridge_monthly.month <= {{ as_of_month() }}
        )
        or (
            bridge_monthly.month >= periods.previous_period_start
            and bridge_monthly.month
            < cast({{ dbt.dateadd('month', 'periods.months_to_date', 'periods.previous_period_start') }} as date)
        )
),

final as (
    select
        period_type,
        current_period_start,
        cast(months_to_date as integer) as months_to_date,
        {%- for which in ['current', 'previous'] %}
        cast(
            coalesce(sum(case when which_period = '{{ which }}' and month_rank_ascending = 1 then opening_mrr end), 0)
            as decimal(18, 2)
        ) as {{ which }}_opening_mrr,
        {%- for measure in measures %}
        cast(
            sum(case when which_period = '{{ which }}' then {{ measure }} else 0 end) as decimal(18, 2)
        ) as {{ which }}_{{ measure }},
        {%- endfor %}
        cast(
            coalesce(sum(case when which_period = '{{ which }}' and month_rank_descending = 1 then closing_mrr end), 0)
            as decimal(18, 2)
        ) as {{ which }}_closing_mrr,
        cast(
            sum(case when which_period = '{{ which }}' then net_new_mrr else 0 end) as decimal(18, 2)
        ) as {{ which }}_net_new_mrr,
        {%- endfor %}
        cast(
            sum(case when which_period = 'current' then net_new_mrr else 0 end)
            - sum(case when which_period = 'previous' then net_new_mrr else 0 end)
            as decimal(18, 2)
        ) as net_new_mrr_change
    from months_to_date
    group by
        period_type,
        current_period_start,
        months_to_date
)

select * from final

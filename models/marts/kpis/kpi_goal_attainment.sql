-- Every valid kpi_goals row next to its actual. on_track compares the actual (for a complete
-- period) or the run-rate projection (for the open period) with the target in its direction:
-- movements so far, the rates made of them and the change of levels since the period started run
-- on at the same pace to period end (macros/kpis.sql, kpi_metrics).

with goals as (
    select * from {{ ref('stg_finance__kpi_goals') }}
),

kpis_monthly as (
    select * from {{ ref('mrr_kpis_monthly') }}
),

bridge_quarterly as (
    select * from {{ ref('mrr_bridge_quarterly') }}
),

bridge_yearly as (
    select * from {{ ref('mrr_bridge_yearly') }}
),

{%- set period_marts = [
    ('month', 'kpis_monthly', 'month', dbt.last_day('month', 'month')),
    ('quarter', 'bridge_quarterly', 'period_start', 'period_end'),
    ('year', 'bridge_yearly', 'period_start', 'period_end'),
] %}

periods as (
    {%- for period_type, period_mart, period_start, period_end in period_marts %}
    select
        '{{ period_type }}' as period_type,
        {{ period_start }} as period_start,
        {%- for metric in kpi_metrics() %}
        {{ metric }},
        {%- endfor %}
        cast({{ period_end }} as date) as period_end
    from {{ period_mart }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

actuals as (
    {%- for metric, projection in kpi_metrics().items() %}
    select
        period_type,
        period_start,
        period_end,
        '{{ metric }}' as metric,
        '{{ projection }}' as projection,
        cast({{ metric }} as {{ type_ratio() }}) as actual,
        cast({{ kpi_period_start_values().get(metric, 'null') }} as {{ type_ratio() }}) as period_start_value
    from periods
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

goals_with_actuals as (
    select
        goals.period_type,
        goals.period_start,
        goals.metric,
        goals.direction,
        cast(goals.target as {{ type_ratio() }}) as target,
        actuals.actual,
        actuals.projection,
        -- A level with no value at the start (ARPA without customers) stands as it is.
        coalesce(actuals.period_start_value, actuals.actual) as start_value,
        coalesce(actuals.period_end, goals.period_start) <= {{ as_of_date() }} as is_complete,
        {{ dbt.datediff('goals.period_start', 'actuals.period_end', 'day') }} + 1 as period_days,  -- noqa: LT05
        {{ dbt.datediff('goals.period_start', as_of_date(), 'day') }} + 1 as elapsed_days  -- noqa: LT05
    from goals
    left join actuals
        on goals.period_type = actuals.period_type
        and goals.period_start = actuals.period_start
        and goals.metric = actuals.metric
    where goals.rejection_reason is null
),

projected as (
    select
        *,
        -- Rounded to 10 decimals: the last bits of a double (1.015 - 1 is 0.01500000000000001) must
        -- not decide on_track for a target the projection meets exactly.
        case
            when is_complete or projection = 'fixed' then actual
            when projection = 'retention' then {{ round_ratio('1 + (actual - 1) * period_days / elapsed_days', 10) }}
            when projection = 'level'
                then {{ round_ratio('start_value + (actual - start_value) * period_days / elapsed_days', 10) }}
            else {{ round_ratio('actual * period_days / elapsed_days', 10) }}
        end as projected_actual
    from goals_with_actuals
),

final as (
    select
        period_type,
        cast(period_start as date) as period_start,
        cast(metric as {{ dbt.type_string() }}) as metric,
        cast(direction as {{ dbt.type_string() }}) as direction,
        target,
        actual,
        is_complete,
        projected_actual,
        case
            when direction = 'at_least' then projected_actual >= target
            when direction = 'at_most' then projected_actual <= target
        end as on_track
    from projected
)

select * from final

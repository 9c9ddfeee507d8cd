{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'period_type',
    'period_start',
    'metric',
    'target',
    'direction',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'period_type': 'enumeration', 'metric': 'enumeration', 'direction': 'enumeration'} -%}

with source as (
    select * from {{ source('finance', 'kpi_goals') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        lower(period_type) as period_type,
        lower(metric) as metric,
        -- dates
        {{ parse_date('period_start') }} as period_start,
        -- amounts
        {{ parse_rounded_decimal('target', 'decimal(30, 12)') }} as target,
        lower(direction) as direction,
        -- bookkeeping
        coalesce(period_type, '') || '|' || coalesce(period_start, '') || '|' || coalesce(metric, '') || '|'
        || coalesce(direction, '') as source_key,
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'period_start': parse_date('period_start'),
            'target': parse_rounded_decimal('target', 'decimal(30, 12)'),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['period_type', 'period_start', 'metric', 'direction']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['period_type', 'period_start', 'metric', 'direction']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['period_type', 'metric', 'direction']) }},
            parse_failure,
            {{ missing_value(['period_start', 'target']) }},
            {{ duplicate_key_conflict(['period_type', 'period_start', 'metric', 'direction']) }},
            case
                when period_type not in ('month', 'quarter', 'year')
                    then 'period_type: ''' || period_type || ''' is not month, quarter or year'
            end,
            -- A goal for a period starting mid-period would match no actual, and could be judged
            -- complete while its period is still open.
            case
                {%- for period_type in ['month', 'quarter', 'year'] %}
                when period_type = '{{ period_type }}'
                    and period_start != cast({{ dbt.date_trunc(period_type, 'period_start') }} as date)
                    then 'period_start: ''' || cast(period_start as {{ dbt.type_string() }})
                        || ''' is not the first day of a {{ period_type }}'
                {%- endfor %}
            end,
            case
                when metric not in ('{{ kpi_metrics().keys() | join("', '") }}')  -- noqa: LT05
                    then 'metric: ''' || metric || ''' is not a known metric (README, Metrics)'
            end,
            case
                when direction not in ('at_least', 'at_most')
                    then 'direction: ''' || direction || ''' is not at_least or at_most'
            end
        ) as rejection_reason
    from keyed
)

select * from final

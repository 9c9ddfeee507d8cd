{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'plan_id',
    'product_id',
    'product_name',
    'plan_name',
    'billing_interval',
    'interval_count',
    'unit_amount',
    'currency',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'plan_id': 'id', 'product_id': 'id', 'billing_interval': 'enumeration', 'currency': 'currency'} -%}

with source as (
    select * from {{ source('billing', 'billing_plans') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('plan_id') }} as plan_id,
        {{ clean_id('product_id') }} as product_id,
        -- attributes
        product_name,
        plan_name,
        lower(billing_interval) as billing_interval,
        coalesce({{ parse_integer('interval_count') }}, 1) as interval_count,
        -- amounts
        {{ parse_decimal('unit_amount') }} as unit_amount,
        upper(currency) as currency,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'interval_count': parse_integer('interval_count'),
            'unit_amount': parse_decimal('unit_amount'),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['plan_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['plan_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['plan_id', 'billing_interval', 'currency']) }},
            parse_failure,
            {{ missing_value(['unit_amount']) }},
            {{ duplicate_key_conflict(['plan_id']) }},
            case
                when billing_interval not in ('day', 'week', 'month', 'year')
                    then 'billing_interval: ''' || billing_interval || ''' is not day, week, month or year'
            end,
            case when interval_count < 1 then 'interval_count is below 1' end,
            case when unit_amount < 0 then 'unit_amount is negative' end
        ) as rejection_reason
    from keyed
)

select * from final

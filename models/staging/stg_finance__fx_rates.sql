{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'rate_date',
    'currency',
    'rate_to_reporting',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'currency': 'currency'} -%}

with source as (
    select * from {{ source('finance', 'fx_rates') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        upper(currency) as currency,
        -- dates
        {{ parse_date('rate_date') }} as rate_date,
        -- amounts: more than 15 decimals are rounded, not rejected
        {{ parse_rounded_decimal('rate_to_reporting', type_exchange_rate()) }} as rate_to_reporting,
        -- bookkeeping
        coalesce(rate_date, '') || '|' || coalesce(currency, '') as source_key,
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'rate_date': parse_date('rate_date'),
            'rate_to_reporting': parse_rounded_decimal('rate_to_reporting', type_exchange_rate()),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['rate_date', 'currency']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['rate_date', 'currency']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['currency']) }},
            parse_failure,
            {{ missing_value(['rate_date', 'rate_to_reporting']) }},
            {{ duplicate_key_conflict(['rate_date', 'currency']) }},
            case when rate_to_reporting <= 0 then 'rate_to_reporting is not positive' end
        ) as rejection_reason
    from keyed
)

select * from final

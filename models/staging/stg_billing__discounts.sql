{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'discount_id',
    'subscription_id',
    'percent_off',
    'amount_off',
    'valid_from',
    'valid_to',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'discount_id': 'id', 'subscription_id': 'id'} -%}

with source as (
    select * from {{ source('billing', 'billing_discounts') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('discount_id') }} as discount_id,
        {{ clean_id('subscription_id') }} as subscription_id,
        -- amounts
        {{ parse_rounded_decimal('percent_off', 'decimal(15, 12)') }} as percent_off,
        {{ parse_decimal('amount_off') }} as amount_off,
        -- window
        {{ parse_date('valid_from') }} as valid_from,
        {{ parse_date('valid_to') }} as valid_to,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'percent_off': parse_rounded_decimal('percent_off', 'decimal(15, 12)'),
            'amount_off': parse_decimal('amount_off'),
            'valid_from': parse_date('valid_from'),
            'valid_to': parse_date('valid_to'),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['discount_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['discount_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['discount_id', 'subscription_id']) }},
            parse_failure,
            {{ duplicate_key_conflict(['discount_id']) }},
            case when percent_off < 0 or percent_off > 100 then 'percent_off is outside 0-100' end,
            case when amount_off < 0 then 'amount_off is negative' end,
            case when valid_to <= valid_from then 'valid_to is not after valid_from' end
        ) as rejection_reason
    from keyed
)

select * from final

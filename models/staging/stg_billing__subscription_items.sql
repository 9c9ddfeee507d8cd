{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'subscription_item_id',
    'subscription_id',
    'plan_id',
    'quantity',
    'valid_from',
    'valid_to',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'subscription_item_id': 'id', 'subscription_id': 'id', 'plan_id': 'id'} -%}

with source as (
    select * from {{ source('billing', 'billing_subscription_items') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('subscription_item_id') }} as subscription_item_id,
        {{ clean_id('subscription_id') }} as subscription_id,
        {{ clean_id('plan_id') }} as plan_id,
        -- amounts
        {{ parse_decimal('quantity') }} as quantity,
        -- window
        {{ parse_date('valid_from') }} as valid_from,
        {{ parse_date('valid_to') }} as valid_to,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'quantity': parse_decimal('quantity'),
            'valid_from': parse_date('valid_from'),
            'valid_to': parse_date('valid_to'),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['subscription_item_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['subscription_item_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['subscription_item_id', 'subscription_id', 'plan_id']) }},
            parse_failure,
            {{ duplicate_key_conflict(['subscription_item_id']) }},
            case when quantity < 0 then 'quantity is negative' end,
            case when valid_to <= valid_from then 'valid_to is not after valid_from' end
        ) as rejection_reason
    from keyed
)

select * from final

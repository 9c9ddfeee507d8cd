{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'subscription_id',
    'customer_id',
    'created_at',
    'trial_end',
    'canceled_at',
    'ended_at',
    'status',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'subscription_id': 'id', 'customer_id': 'id', 'status': 'enumeration'} -%}

with source as (
    select * from {{ source('billing', 'billing_subscriptions') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('subscription_id') }} as subscription_id,
        {{ clean_id('customer_id') }} as customer_id,
        -- dates
        {{ parse_date('created_at') }} as created_at,
        {{ parse_date('trial_end') }} as trial_end,
        {{ parse_date('canceled_at') }} as canceled_at,
        {{ parse_date('ended_at') }} as ended_at,
        -- attributes
        lower(status) as status,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'created_at': parse_date('created_at'),
            'trial_end': parse_date('trial_end'),
            'canceled_at': parse_date('canceled_at'),
            'ended_at': parse_date('ended_at'),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['subscription_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['subscription_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['subscription_id', 'customer_id']) }},
            parse_failure,
            {{ missing_value(['created_at']) }},
            {{ duplicate_key_conflict(['subscription_id']) }}
        ) as rejection_reason
    from keyed
)

select * from final

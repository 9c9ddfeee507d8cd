{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'customer_id',
    'account_id',
    'customer_name',
    'email',
    'currency',
    'created_at',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'customer_id': 'id', 'account_id': 'id', 'currency': 'currency'} -%}

with source as (
    select * from {{ source('billing', 'billing_customers') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('customer_id') }} as customer_id,
        {{ clean_id('account_id') }} as account_id,
        -- attributes (personal data only as salted hashes)
        {{ personal_data_hash('customer_name') }} as customer_name_hash,
        {{ personal_data_hash('email') }} as email_hash,
        upper(currency) as currency,
        -- dates
        {{ parse_date('created_at') }} as created_at,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns, personal_columns=['customer_name', 'email']) }} as raw_row,
        {{ first_parse_failure({'created_at': parse_date('created_at')}) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['customer_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['customer_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['customer_id']) }},
            parse_failure,
            {{ duplicate_key_conflict(['customer_id']) }}
        ) as rejection_reason
    from keyed
)

select * from final

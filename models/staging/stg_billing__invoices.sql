{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'invoice_id',
    'customer_id',
    'invoice_date',
    'status',
    'currency',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'invoice_id': 'id', 'customer_id': 'id', 'status': 'enumeration', 'currency': 'currency'} -%}

with source as (
    select * from {{ source('billing', 'billing_invoices') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('invoice_id') }} as invoice_id,
        {{ clean_id('customer_id') }} as customer_id,
        -- attributes
        lower(status) as status,
        upper(currency) as currency,
        -- dates
        {{ parse_date('invoice_date') }} as invoice_date,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({'invoice_date': parse_date('invoice_date')}) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['invoice_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['invoice_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['invoice_id', 'customer_id']) }},
            parse_failure,
            {{ duplicate_key_conflict(['invoice_id']) }},
            case
                when status not in ('paid', 'open', 'void', 'uncollectible')
                    then 'status: ''' || status || ''' is not paid, open, void or uncollectible'
            end
        ) as rejection_reason
    from keyed
)

select * from final

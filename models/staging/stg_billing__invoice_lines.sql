{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'invoice_line_id',
    'invoice_id',
    'subscription_id',
    'line_type',
    'amount',
    'period_start',
    'period_end',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {
    'invoice_line_id': 'id',
    'invoice_id': 'id',
    'subscription_id': 'id',
    'line_type': 'enumeration',
} -%}

with source as (
    select * from {{ source('billing', 'billing_invoice_lines') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('invoice_line_id') }} as invoice_line_id,
        {{ clean_id('invoice_id') }} as invoice_id,
        {{ clean_id('subscription_id') }} as subscription_id,
        -- attributes
        lower(line_type) as line_type,
        -- amounts
        {{ parse_decimal('amount') }} as amount,
        -- dates
        {{ parse_date('period_start') }} as period_start,
        {{ parse_date('period_end') }} as period_end,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'amount': parse_decimal('amount'),
            'period_start': parse_date('period_start'),
            'period_end': parse_date('period_end'),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['invoice_line_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['invoice_line_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['invoice_line_id', 'invoice_id', 'line_type']) }},
            parse_failure,
            {{ missing_value(['amount']) }},
            {{ duplicate_key_conflict(['invoice_line_id']) }},
            case
                when line_type not in ('subscription', 'proration', 'one_time', 'usage', 'tax')
                    then 'line_type: ''' || line_type || ''' is not subscription, proration, one_time, usage or tax'
            end,
            -- Proration credits are negative by nature; any other negative line is a bad row.
            case when amount < 0 and line_type != 'proration' then 'amount is negative' end
        ) as rejection_reason
    from keyed
)

select * from final

{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'month',
    'category',
    'amount',
    'currency',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'currency': 'currency'} -%}

with source as (
    select * from {{ source('finance', 'sales_marketing_spend') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        category,
        -- dates
        {{ parse_date('month') }} as spend_month,
        -- amounts
        {{ parse_decimal('amount') }} as amount,
        upper(currency) as currency,
        -- bookkeeping
        -- Spend rows add up (two campaigns of one category in a month are two rows), so the whole
        -- row is its key: rows that differ anywhere both count, exact duplicates are collapsed above.
        coalesce(month, '') || '|' || coalesce(category, '') || '|' || coalesce(amount, '') || '|'
        || coalesce(currency, '') as source_key,
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'month': parse_date('month'),
            'amount': parse_decimal('amount'),
        }) }} as parse_failure
    from deduplicated
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['category', 'currency']) }},
            parse_failure,
            {{ missing_value(['spend_month', 'amount']) }},
            case when amount < 0 then 'amount is negative' end
        ) as rejection_reason
    from typed
)

select * from final

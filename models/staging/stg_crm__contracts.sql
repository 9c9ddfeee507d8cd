{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'contract_id',
    'account_id',
    'product_id',
    'start_date',
    'end_date',
    'billing_frequency',
    'amount_per_period',
    'currency',
    'status',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {
    'contract_id': 'id',
    'account_id': 'id',
    'product_id': 'id',
    'billing_frequency': 'enumeration',
    'status': 'enumeration',
    'currency': 'currency',
} -%}

with source as (
    select * from {{ source('crm', 'crm_contracts') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('contract_id') }} as contract_id,
        {{ clean_id('account_id') }} as account_id,
        {{ clean_id('product_id') }} as product_id,
        -- attributes
        lower(billing_frequency) as billing_frequency,
        lower(status) as status,
        -- amounts
        {{ parse_decimal('amount_per_period') }} as amount_per_period,
        upper(currency) as currency,
        -- window
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({
            'amount_per_period': parse_decimal('amount_per_period'),
            'start_date': parse_date('start_date'),
            'end_date': parse_date('end_date'),
        }) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['contract_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['contract_id']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['contract_id', 'account_id', 'billing_frequency', 'currency', 'status']) }},
            parse_failure,
            {{ missing_value(['start_date', 'amount_per_period']) }},
            {{ duplicate_key_conflict(['contract_id']) }},
            case
                when billing_frequency not in ('monthly', 'quarterly', 'semiannual', 'annual')
                    then 'billing_frequency: ''' || billing_frequency
                        || ''' is not monthly, quarterly, semiannual or annual'
            end,
            case
                when status not in ('active', 'cancelled', 'draft')
                    then 'status: ''' || status || ''' is not active, cancelled or draft'
            end,
            case when amount_per_period < 0 then 'amount_per_period is negative' end,
            case when end_date <= start_date then 'end_date is not after start_date' end
        ) as rejection_reason
    from keyed
)

select * from final

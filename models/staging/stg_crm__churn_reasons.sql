{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'account_id',
    'churned_on',
    'reason_code',
    'notes',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'account_id': 'id', 'reason_code': 'enumeration'} -%}

with source as (
    select * from {{ source('crm', 'crm_churn_reasons') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('account_id') }} as account_id,
        -- attributes
        lower(reason_code) as reason_code,
        notes,
        -- dates
        {{ parse_date('churned_on') }} as churned_on,
        -- bookkeeping
        coalesce({{ clean_id('account_id') }}, '') || '|' || coalesce(churned_on, '') as source_key,
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({'churned_on': parse_date('churned_on')}) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['account_id', 'churned_on']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['account_id', 'churned_on']) }}
),

final as (
    select
        *,
        coalesce(
            {{ missing_value(['account_id']) }},
            parse_failure,
            {{ missing_value(['churned_on']) }},
            {{ duplicate_key_conflict(['account_id', 'churned_on']) }}
        ) as rejection_reason
    from keyed
)

select * from final

{#- The raw contract columns, in the order of the sources YAML (a pytest keeps them equal). -#}
{%- set raw_columns = [
    'account_id',
    'account_name',
    'parent_account_id',
    'segment',
    'industry',
    'region',
    'owner',
    'created_at',
] -%}
{#- The columns `typed` reads through a normalisation: rows that differ only there are duplicates. -#}
{%- set read_as = {'account_id': 'id', 'parent_account_id': 'id'} -%}

{#- A table, unlike the other staging models: seven models and a key test read the accounts, and
    each read of a view would collapse duplicates and parse the raw accounts again (~0.6 s apiece
    at a million accounts). -#}
{{ config(materialized='table') }}

with source as (
    select * from {{ source('crm', 'crm_accounts') }}
),

deduplicated as (
    {{ collapse_exact_duplicates('source', raw_columns, read_as) }}
),

typed as (
    select
        -- ids
        {{ clean_id('account_id') }} as account_id,
        {{ clean_id('parent_account_id') }} as parent_account_id,
        -- attributes
        account_name,
        segment,
        industry,
        region,
        owner,
        -- dates
        {{ parse_date('created_at') }} as created_at,
        -- bookkeeping
        source_row_number,
        raw_row_count,
        {{ raw_row_text(raw_columns) }} as raw_row,
        {{ first_parse_failure({'created_at': parse_date('created_at')}) }} as parse_failure
    from deduplicated
),

conflicting_keys as (
    {{ conflicting_keys('typed', ['account_id']) }}
),

keyed as (
    {{ with_rows_sharing_key('typed', ['account_id']) }}
),

judged as (
    select
        *,
        coalesce(
            {{ missing_value(['account_id']) }},
            parse_failure,
            {{ duplicate_key_conflict(['account_id']) }}
        ) as rejection_reason
    from keyed
),

final as (
    select
        account_id,
        parent_account_id,
        account_name,
        segment,
        industry,
        region,
        owner,
        created_at,
        source_row_number,
        raw_row_count,
        parse_failure,
        rows_sharing_key,
        rejection_reason,
        -- Only rejected_rows reads it: writing it for every account was ~0.5 s at a million.
        {{ raw_row_if_rejected('raw_row', 'rejection_reason') }} as raw_row
    from judged
)

select * from final

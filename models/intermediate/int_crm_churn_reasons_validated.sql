-- Churn reasons belong to a valid CRM account; the rest go to rejected_rows.

with churn_reasons as (
    select * from {{ ref('stg_crm__churn_reasons') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

valid_accounts as (
    select account_id from accounts
    where rejection_reason is null
),

{#- Used twice below: as the reason, and to keep the raw text of rejected rows only. -#}
{%- set rejection_reason -%}
    coalesce(
        churn_reasons.rejection_reason,
        {{ unknown_reference('churn_reasons.account_id', 'valid_accounts.account_id', 'crm_accounts') }}
    )
{%- endset %}

validated as (
    select
        churn_reasons.account_id,
        churn_reasons.churned_on,
        churn_reasons.reason_code,
        churn_reasons.notes,
        churn_reasons.source_key,
        churn_reasons.source_row_number,
        churn_reasons.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('churn_reasons.raw_row', rejection_reason) }} as raw_row
    from churn_reasons
    left join valid_accounts
        on churn_reasons.account_id = valid_accounts.account_id
)

select * from validated

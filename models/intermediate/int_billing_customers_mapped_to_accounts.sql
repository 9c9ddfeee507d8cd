-- Rule 1: a billing customer reports under its CRM account when it has one, else under itself.

with customers as (
    select * from {{ ref('stg_billing__customers') }}
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
        customers.rejection_reason,
        {{ unknown_reference('customers.account_id', 'valid_accounts.account_id', 'crm_accounts') }}
    )
{%- endset %}

-- A customer without an account_id whose own id is a CRM account's id reports under that id
-- (rule 1), so under that CRM account: it adds no billing-only account of its own.
mapped as (
    select
        customers.customer_id,
        valid_accounts.account_id as crm_account_id,
        coalesce(customers.account_id, customers.customer_id) as reporting_account_id,
        customers.currency,
        customers.created_at,
        customers.source_row_number,
        customers.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('customers.raw_row', rejection_reason) }} as raw_row
    from customers
    left join valid_accounts
        on coalesce(customers.account_id, customers.customer_id) = valid_accounts.account_id
)

select * from mapped

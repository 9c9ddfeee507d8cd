-- Invoices belong to a valid billing customer; the rest go to rejected_rows. Invoices never
-- change MRR (rule 7); they are kept for reconciliation and drill-downs.
-- Built after the revenue lines, which no invoice feeds: the validation chain that every month model
-- waits for (accounts, customers, subscriptions, items, revenue lines) then has both cores, and the
-- invoices, ~1/3 of the validation work, run beside the month models.
-- depends_on: {{ ref('int_revenue_lines') }}

with invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

customers as (
    select * from {{ ref('int_billing_customers_mapped_to_accounts') }}
),

valid_customers as (
    select
        customer_id,
        reporting_account_id
    from customers
    where rejection_reason is null
),

{#- Used twice below: as the reason, and to keep the raw text of rejected rows only. -#}
{%- set rejection_reason -%}
    coalesce(
        invoices.rejection_reason,
        {{ unknown_reference('invoices.customer_id', 'valid_customers.customer_id', 'billing_customers') }}
    )
{%- endset %}

validated as (
    select
        invoices.invoice_id,
        invoices.customer_id,
        valid_customers.reporting_account_id as account_id,
        invoices.invoice_date,
        invoices.status,
        invoices.currency,
        invoices.source_row_number,
        invoices.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('invoices.raw_row', rejection_reason) }} as raw_row
    from invoices
    left join valid_customers
        on invoices.customer_id = valid_customers.customer_id
)

select * from validated

-- Invoice lines belong to a valid invoice and, when they name one, a valid subscription.

with invoice_lines as (
    select * from {{ ref('stg_billing__invoice_lines') }}
),

invoices as (
    select * from {{ ref('int_billing_invoices_validated') }}
),

subscriptions as (
    select * from {{ ref('int_subscriptions_billable_windows') }}
),

valid_invoices as (
    select invoice_id from invoices
    where rejection_reason is null
),

valid_subscriptions as (
    select subscription_id from subscriptions
    where rejection_reason is null
),

{#- Used twice below: as the reason, and to keep the raw text of rejected rows only. -#}
{%- set rejection_reason -%}
    coalesce(
        invoice_lines.rejection_reason,
        {{ unknown_reference('invoice_lines.invoice_id', 'valid_invoices.invoice_id', 'billing_invoices') }},
        {{ unknown_reference(
            'invoice_lines.subscription_id', 'valid_subscriptions.subscription_id', 'billing_subscriptions'
        ) }}
    )
{%- endset %}

validated as (
    select
        invoice_lines.invoice_line_id,
        invoice_lines.invoice_id,
        invoice_lines.subscription_id,
        invoice_lines.line_type,
        invoice_lines.amount,
        invoice_lines.period_start,
        invoice_lines.period_end,
        invoice_lines.source_row_number,
        invoice_lines.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('invoice_lines.raw_row', rejection_reason) }} as raw_row
    from invoice_lines
    left join valid_invoices
        on invoice_lines.invoice_id = valid_invoices.invoice_id
    left join valid_subscriptions
        on invoice_lines.subscription_id = valid_subscriptions.subscription_id
)

select * from validated

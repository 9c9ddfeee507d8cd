-- Rule 3 (subscription part): a subscription earns MRR from the later of its creation and its
-- trial end until it ends. canceled_at only records the request to cancel; ended_at ends MRR.

with subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
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
        subscriptions.rejection_reason,
        {{ unknown_reference('subscriptions.customer_id', 'valid_customers.customer_id', 'billing_customers') }}
    )
{%- endset %}

windows as (
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        valid_customers.reporting_account_id as account_id,
        subscriptions.created_at,
        subscriptions.trial_end,
        subscriptions.canceled_at,
        subscriptions.ended_at,
        case
            when subscriptions.trial_end > subscriptions.created_at then subscriptions.trial_end
            else subscriptions.created_at
        end as billable_from,
        subscriptions.ended_at as billable_to,
        subscriptions.source_row_number,
        subscriptions.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('subscriptions.raw_row', rejection_reason) }} as raw_row
    from subscriptions
    left join valid_customers
        on subscriptions.customer_id = valid_customers.customer_id
)

select * from windows

-- Discounts belong to a valid subscription and take off less than 10 billion per billing period;
-- the rest go to rejected_rows.

with discounts as (
    select * from {{ ref('stg_billing__discounts') }}
),

subscriptions as (
    select * from {{ ref('int_subscriptions_billable_windows') }}
),

valid_subscriptions as (
    select subscription_id from subscriptions
    where rejection_reason is null
),

{#- Used twice below: as the reason, and to keep the raw text of rejected rows only. -#}
{%- set rejection_reason -%}
    coalesce(
        discounts.rejection_reason,
        {{ unknown_reference(
            'discounts.subscription_id', 'valid_subscriptions.subscription_id', 'billing_subscriptions'
        ) }},
        {{ amount_beyond_limit(['discounts.amount_off'], 'amount_off') }}
    )
{%- endset %}

validated as (
    select
        discounts.discount_id,
        discounts.subscription_id,
        discounts.percent_off,
        discounts.amount_off,
        discounts.valid_from,
        discounts.valid_to,
        discounts.source_row_number,
        discounts.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('discounts.raw_row', rejection_reason) }} as raw_row
    from discounts
    left join valid_subscriptions
        on discounts.subscription_id = valid_subscriptions.subscription_id
)

select * from validated

-- Discounts belong to a valid subscription; the rest go to rejected_rows.

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

validated as (
    select
        discounts.discount_id,
        discounts.subscription_id,
        discounts.percent_off,
        discounts.amount_off,
        discounts.valid_from,
        discounts.valid_to,
        discounts.source_key,
        discounts.source_row_number,
        discounts.raw_row,
        coalesce(
            discounts.rejection_reason,
            {{ unknown_reference(
                'discounts.subscription_id', 'valid_subscriptions.subscription_id', 'billing_subscriptions'
            ) }}
        ) as rejection_reason
    from discounts
    left join valid_subscriptions
        on discounts.subscription_id = valid_subscriptions.subscription_id
)

select * from validated

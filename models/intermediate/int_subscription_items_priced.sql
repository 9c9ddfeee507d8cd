-- Rule 3: an item line counts over its own window intersected with the subscription's billable
-- window, at unit_amount x quantity x monthly factor. The factor is kept as a fraction
-- (mrr_numerator / mrr_denominator) so the division happens once, exactly, per account later:
--   month 12/(12 ic) = 1/ic, year 1/(12 ic), week 52/(12 ic), day 365/(12 ic).

with items as (
    select * from {{ ref('stg_billing__subscription_items') }}
),

subscriptions as (
    select * from {{ ref('int_subscriptions_billable_windows') }}
),

plans as (
    select * from {{ ref('stg_billing__plans') }}
),

currencies_with_rate as (
    select * from {{ ref('int_currencies_with_rates') }}
),

valid_subscriptions as (
    select * from subscriptions
    where rejection_reason is null
),

valid_plans as (
    select * from plans
    where rejection_reason is null
),

{#- Used twice below: as the reason, and to keep the raw text of rejected rows only. -#}
{%- set rejection_reason -%}
    coalesce(
        items.rejection_reason,
        {{ unknown_reference(
            'items.subscription_id', 'valid_subscriptions.subscription_id', 'billing_subscriptions'
        ) }},
        {{ unknown_reference('items.plan_id', 'valid_plans.plan_id', 'billing_plans') }},
        {{ unknown_reference(
            'valid_plans.currency', 'currencies_with_rate.currency', 'fx_rates', problem='has no fx_rates row'
        ) }},
        {{ amount_beyond_limit(['valid_plans.unit_amount', 'coalesce(items.quantity, 1)'], 'unit_amount x quantity') }}
    )
{%- endset %}

priced as (
    select
        items.subscription_item_id,
        items.subscription_id,
        valid_subscriptions.customer_id,
        valid_subscriptions.account_id,
        items.plan_id,
        valid_plans.product_id,
        valid_plans.currency,
        cast(coalesce(items.quantity, 1) as {{ type_amount() }}) as quantity,
        valid_plans.unit_amount,
        valid_plans.billing_interval,
        valid_plans.interval_count,
        case valid_plans.billing_interval
            when 'month' then 12
            when 'year' then 1
            when 'week' then 52
            when 'day' then 365
        end as factor_numerator,
        12 * valid_plans.interval_count as mrr_denominator,
        case
            when items.valid_from is null or items.valid_from < valid_subscriptions.billable_from
                then valid_subscriptions.billable_from
            else items.valid_from
        end as line_from,
        case
            when items.valid_to is null then valid_subscriptions.billable_to
            when valid_subscriptions.billable_to is null then items.valid_to
            when items.valid_to < valid_subscriptions.billable_to then items.valid_to
            else valid_subscriptions.billable_to
        end as line_to,
        items.source_row_number,
        items.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('items.raw_row', rejection_reason) }} as raw_row
    from items
    left join valid_subscriptions
        on items.subscription_id = valid_subscriptions.subscription_id
    left join valid_plans
        on items.plan_id = valid_plans.plan_id
    left join currencies_with_rate
        on valid_plans.currency = currencies_with_rate.currency
),

final as (
    select
        *,
        -- Only accepted lines are priced: a rejected amount may be too large to multiply.
        cast(
            case
                when rejection_reason is null
                    then {{ item_mrr_numerator('unit_amount', 'quantity', 'factor_numerator') }}
            end
            as {{ type_mrr_numerator() }}
        ) as mrr_numerator
    from priced
)

select * from final

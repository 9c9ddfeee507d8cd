-- Why an account's business MRR changed between two active months, in three parts that add up to
-- expansion - contraction exactly, all at last month's rates (constant currency):
--   seat_change:  a plan the account had both months, billed for more or fewer units;
--   plan_change:  a plan (or CRM contract) the account had in only one of the two months;
--   price_change: the rest: discounts of a subscription held both months starting, changing or
--                 ending (and the cents the separate roundings leave over, where a discount is involved).
-- A plan's unit price is fixed in billing_plans, so for the same plan a change of gross MRR is a
-- change of quantity. Seats and plans are valued at what the customer pays for them: at the
-- subscription's percent discount of last month (of this month for a subscription new this month),
-- so a seat change under an unchanged discount leaves nothing for price_change. An amount off does
-- not grow or shrink with seats or plans: while it stays the same it cancels out of the change. A
-- subscription held in only one of the two months comes or goes with its amounts off too: what they
-- take off counts with its plan (or seat) change, not as a price change nobody made.
-- Computed here rather than in an intermediate view: the month filter of an incremental build stops
-- at a CTE DuckDB materialises (business_changes is read three times), so a view computed every
-- month's drivers for the recomputed months to be picked from them.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

{%- set constant_currency_rate = 'coalesce(fx_rates_monthly.previous_month_rate, fx_rates_monthly.rate_to_reporting)' %}
{%- set paid_numerator = times_factor('compared_lines.mrr_numerator', 'subscription_discount_terms.percent_factor') %}

with line_months as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
    where {{ in_recompute_window('month') }}
),

account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
    where {{ in_recompute_window('month') }}
),

valid_discounts as (
    select * from {{ ref('int_subscription_discounts_validated') }}
    where rejection_reason is null
),

discounted_subscription_mrr as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

business_changes as (
    -- Only these account-months get drivers (about one in seven), so only their lines are read.
    select
        month,
        account_id,
        account_key,
        expansion_mrr - contraction_mrr as business_change
    from account_changes
    where opening_mrr > 0
        and closing_mrr > 0
        and expansion_mrr + contraction_mrr > 0
),

months_compared as (
    -- Each changed account-month reads its own lines and those of the month before.
    select
        month,
        account_key,
        month as line_month,
        1 as is_current_month
    from business_changes
    union all
    select
        month,
        account_key,
        cast({{ dbt.dateadd('month', -1, 'month') }} as date) as line_month,
        0 as is_current_month
    from business_changes
),

compared_lines as (
    select
        months_compared.month,
        months_compared.account_key,
        months_compared.line_month,
        months_compared.is_current_month,
        line_months.pricing_group_id,
        line_months.line_source,
        coalesce(line_months.plan_id, line_months.line_source || ':' || line_months.line_id) as plan_key,
        line_months.currency,
        line_months.mrr_denominator,
        line_months.mrr_numerator
    from months_compared
    inner join line_months
        on months_compared.account_key = line_months.account_key
        and months_compared.line_month = line_months.month
),

-- The month whose percent discount values a discounted subscription's seats and plans: last month
-- when the account had the subscription then, else this month. Its lines are read again rather than
-- taken from compared_lines, which DuckDB would then hold in memory whole.
discounted_subscription_line_months as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month', months_before=1) }}
        and line_source = 'subscription_item'
        and pricing_group_id in (select valid_discounts.subscription_id from valid_discounts)
),

discounted_subscription_groups as (
    select
        months_compared.month,
        months_compared.account_key,
        months_compared.line_month,
        months_compared.is_current_month,
        discounted_subscription_line_months.pricing_group_id,
        discounted_subscription_line_months.currency,
        discounted_subscription_line_months.factor_numerator,
        discounted_subscription_line_months.mrr_denominator,
        min(discounted_subscription_line_months.plan_id) as first_plan_id
    from months_compared
    inner join discounted_subscription_line_months
        on months_compared.account_key = discounted_subscription_line_months.account_key
        and months_compared.line_month = discounted_subscription_line_months.month
    group by
        months_compared.month,
        months_compared.account_key,
        months_compared.line_month,
        months_compared.is_current_month,
        discounted_subscription_line_months.pricing_group_id,
        discounted_subscription_line_months.currency,
        discounted_subscription_line_months.factor_numerator,
        discounted_subscription_line_months.mrr_denominator
),

subscription_pricing_months as (
    select
        month,
        account_key,
        pricing_group_id,
        min(line_month) as pricing_month,
        min(line_month) = max(line_month) as is_held_one_month
    from discounted_subscription_groups
    group by
        month,
        account_key,
        pricing_group_id
),

subscription_discount_terms as (
    {{ discount_terms(
        'valid_discounts', 'subscription_pricing_months', month_column='pricing_month',
        subscription_column='pricing_group_id', key_columns=['month', 'account_key', 'pricing_group_id'],
    ) }}
),

lines_at_paid_prices as (
    select
        compared_lines.*,
        case
            when coalesce(subscription_discount_terms.percent_factor, 1) = 1 then compared_lines.mrr_numerator
            else cast({{ paid_numerator }} as {{ type_mrr_numerator() }})
        end as paid_numerator
    from compared_lines
    left join subscription_discount_terms
        on compared_lines.month = subscription_discount_terms.month
        and compared_lines.account_key = subscription_discount_terms.account_key
        and compared_lines.pricing_group_id = subscription_discount_terms.pricing_group_id
        and compared_lines.line_source = 'subscription_item'
),

-- What the amounts off of a subscription held in one month only took off its lines there (rule 4:
-- never more than they were worth), counted with the first of its plans: a new plan's discount is
-- part of its plan change. Should its plans be new to the account and not, the first decides.
amounts_off_of_subscriptions_held_one_month as (
    select
        discounted_subscription_groups.month,
        discounted_subscription_groups.account_key,
        discounted_subscription_groups.first_plan_id as plan_key,
        discounted_subscription_groups.currency,
        discounted_subscription_groups.mrr_denominator,
        discounted_subscription_groups.is_current_month,
        discounted_subscription_mrr.discounted_mrr_numerator - cast(
            {{ times_factor(
                'discounted_subscription_mrr.gross_mrr_numerator',
                'coalesce(subscription_discount_terms.percent_factor, 1)',
            ) }} as {{ type_mrr_numerator() }}
        ) as amount_off_numerator
    from discounted_subscription_groups
    inner join subscription_pricing_months
        on discounted_subscription_groups.month = subscription_pricing_months.month
        and discounted_subscription_groups.account_key = subscription_pricing_months.account_key
        and discounted_subscription_groups.pricing_group_id = subscription_pricing_months.pricing_group_id
        and subscription_pricing_months.is_held_one_month
    inner join subscription_discount_terms
        on discounted_subscription_groups.month = subscription_discount_terms.month
        and discounted_subscription_groups.account_key = subscription_discount_terms.account_key
        and discounted_subscription_groups.pricing_group_id = subscription_discount_terms.pricing_group_id
    inner join discounted_subscription_mrr
        on discounted_subscription_groups.line_month = discounted_subscription_mrr.month
        and discounted_subscription_groups.account_key = discounted_subscription_mrr.account_key
        and discounted_subscription_groups.pricing_group_id = discounted_subscription_mrr.pricing_group_id
        and discounted_subscription_groups.currency = discounted_subscription_mrr.currency
        and discounted_subscription_groups.factor_numerator = discounted_subscription_mrr.factor_numerator
        and discounted_subscription_groups.mrr_denominator = discounted_subscription_mrr.mrr_denominator
),

plan_month_amounts as (
    select
        month,
        account_key,
        plan_key,
        currency,
        mrr_denominator,
        is_current_month,
        paid_numerator as numerator
    from lines_at_paid_prices
    union all
    select
        month,
        account_key,
        plan_key,
        currency,
        mrr_denominator,
        is_current_month,
        amount_off_numerator as numerator
    from amounts_off_of_subscriptions_held_one_month
),

plan_month_pairs as (
    select
        month,
        account_key,
        plan_key,
        currency,
        mrr_denominator,
        is_current_month as in_current_month,
        1 - is_current_month as in_previous_month,
        numerator * is_current_month as current_numerator,
        numerator * (1 - is_current_month) as previous_numerator
    from plan_month_amounts
),

plan_pairs as (
    select
        month,
        account_key,
        currency,
        mrr_denominator,
        case
            when max(in_current_month) = 1 and max(in_previous_month) = 1
                then sum(current_numerator) - sum(previous_numerator)
            else 0
        end as seat_change_numerator,
        case
            when max(in_previous_month) = 0 then sum(current_numerator)
            when max(in_current_month) = 0 then -sum(previous_numerator)
            else 0
        end as plan_change_numerator
    from plan_month_pairs
    group by
        month,
        account_key,
        plan_key,
        currency,
        mrr_denominator
),

-- Per currency and billing period, the changes at last month's rate (constant currency).
currency_changes as (
    select
        plan_pairs.month,
        plan_pairs.account_key,
        plan_pairs.mrr_denominator,
        sum(plan_pairs.seat_change_numerator) as seat_change_local_numerator,
        sum(plan_pairs.plan_change_numerator) as plan_change_local_numerator,
        {{ constant_currency_rate }} as rate
    from plan_pairs
    inner join fx_rates_monthly
        on plan_pairs.currency = fx_rates_monthly.currency
        and plan_pairs.month = fx_rates_monthly.month
    group by
        plan_pairs.month,
        plan_pairs.account_key,
        plan_pairs.currency,
        plan_pairs.mrr_denominator,
        {{ constant_currency_rate }}
),

-- Each driver is rounded as the amounts it explains are (int_account_mrr_monthly): a double estimate
-- in cents where it is far from a half cent, else its parts added exactly over a common denominator
-- and divided once. The exact path took ~2 s at 1M accounts when every account-month went through it.
estimated_drivers as (
    select
        month,
        account_key,
        sum(
            cast(seat_change_local_numerator as {{ type_ratio() }}) * cast(rate as {{ type_ratio() }})
            / mrr_denominator * 100
        ) as seat_change_cents,
        sum(
            cast(plan_change_local_numerator as {{ type_ratio() }}) * cast(rate as {{ type_ratio() }})
            / mrr_denominator * 100
        ) as plan_change_cents
    from currency_changes
    group by
        month,
        account_key
),

estimates_checked as (
    select
        *,
        {{ is_safe_to_round('seat_change_cents') }} and {{ is_safe_to_round('plan_change_cents') }} as is_safe
    from estimated_drivers
),

changes_close_to_half_a_cent as (
    select
        currency_changes.month,
        currency_changes.account_key,
        currency_changes.mrr_denominator,
        currency_changes.seat_change_local_numerator,
        currency_changes.rate as seat_change_rate,
        currency_changes.plan_change_local_numerator,
        currency_changes.rate as plan_change_rate
    from currency_changes
    inner join estimates_checked
        on currency_changes.account_key = estimates_checked.account_key
        and currency_changes.month = estimates_checked.month
        and not estimates_checked.is_safe
),

{%- set drivers = ['seat_change', 'plan_change'] %}
{{ exact_sums_rounded_to_cents('changes_close_to_half_a_cent', drivers, 'exact_drivers') }},  -- noqa: PRS

account_drivers as (
    select
        estimates_checked.month,
        estimates_checked.account_key,
        coalesce(exact_drivers.seat_change, {{ cents_to_money('round(estimates_checked.seat_change_cents)') }})
            as seat_change,
        coalesce(exact_drivers.plan_change, {{ cents_to_money('round(estimates_checked.plan_change_cents)') }})
            as plan_change
    from estimates_checked
    left join exact_drivers
        on estimates_checked.account_key = exact_drivers.account_key
        and estimates_checked.month = exact_drivers.month
),

-- Only an account-month with a subscription discounted in one of the two months compared can have
-- a price change: plan prices are fixed in billing_plans. A discount of other months must not
-- decide it, or a discount added in May would move a cent of March's drivers, which an incremental
-- build recomputing from May keeps.
account_months_with_discounts as (
    select distinct
        discounted_subscription_groups.month,
        discounted_subscription_groups.account_key
    from discounted_subscription_groups
    inner join valid_discounts
        on discounted_subscription_groups.pricing_group_id = valid_discounts.subscription_id
        and discounted_subscription_groups.line_month >= {{ first_counted_month('valid_discounts.valid_from') }}
        and discounted_subscription_groups.line_month <= {{ last_counted_month('valid_discounts.valid_to') }}
),

drivers_rounded as (
    select
        business_changes.month,
        business_changes.account_id,
        business_changes.business_change,
        coalesce(account_drivers.seat_change, 0) as seat_change,
        coalesce(account_drivers.plan_change, 0) as plan_change,
        business_changes.business_change
        - coalesce(account_drivers.seat_change, 0) - coalesce(account_drivers.plan_change, 0) as rest,
        account_months_with_discounts.account_key is not null as has_discount
    from business_changes
    left join account_drivers
        on business_changes.account_key = account_drivers.account_key
        and business_changes.month = account_drivers.month
    left join account_months_with_discounts
        on business_changes.account_key = account_months_with_discounts.account_key
        and business_changes.month = account_months_with_discounts.month
),

-- The business change is a difference of rounded MRRs and each driver is rounded on its own, so a
-- cent or two is left over. Without a discount it goes to the larger of seat and plan change (a
-- pure seat change is then all seat change); with one, price_change keeps it with the discount's part.
rounding_assigned as (
    select
        *,
        case
            when has_discount or (seat_change = 0 and plan_change = 0) then 'price'
            when abs(seat_change) >= abs(plan_change) then 'seat'
            else 'plan'
        end as rounding_goes_to
    from drivers_rounded
),

final as (
    select
        month,
        account_id,
        cast(business_change as decimal(18, 2)) as business_change,
        cast(seat_change + case when rounding_goes_to = 'seat' then rest else 0 end as decimal(18, 2))
            as seat_change,
        cast(case when rounding_goes_to = 'price' then rest else 0 end as decimal(18, 2)) as price_change,
        cast(plan_change + case when rounding_goes_to = 'plan' then rest else 0 end as decimal(18, 2))
            as plan_change
    from rounding_assigned
)

select * from final

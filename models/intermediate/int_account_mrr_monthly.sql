-- Rules 6-7: an account's MRR in a month is the sum of its discounted local MRR converted at
-- the month's rate, rounded once to the cent. The part of the month-over-month change caused
-- by exchange rates alone, sum_c L_c(M) x (r_c(M) - r_c(M-1)), is computed here too (rule 8).
-- Each line's local MRR is numerator / denominator; the numerators are converted, brought to a
-- common denominator and added up exactly, so 1/3 and 1/12 (or 1/13 and 1/26) parts of one account
-- that together make exactly half a cent round up as they should (macros/money.sql).
-- Speed: a double estimate rounds correctly unless it lies within 1/10,000 of a cent of a half
-- cent (or is beyond 100 million); only those few account-months take the exact decimal path.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

{#- An account-month adds up its parts: its lines for the estimate, its pricing groups on the exact
    path. A subscription with a discount active that month has a discounted numerator
    (int_subscription_mrr_discounted), shared among its lines by their gross MRR for the estimate;
    every other part's numerator is its own. -#}
{%- set group_columns = pricing_group_columns() %}
{%- set group_numerator = 'coalesce(part_discounts.discounted_mrr_numerator, parts.gross_mrr_numerator)' %}
{%- set line_numerator_estimate -%}
    case
        when part_discounts.pricing_group_id is null then cast(parts.mrr_numerator as {{ type_ratio() }})
        else
            cast(part_discounts.discounted_mrr_numerator as {{ type_ratio() }})
            * coalesce({{ safe_ratio('parts.mrr_numerator', 'part_discounts.gross_mrr_numerator') }}, 0)
    end
{%- endset %}
{%- set line_mrr_cents = '(' ~ line_numerator_estimate ~ ')'
    ~ ' * cast(fx_rates_monthly.rate_to_reporting as ' ~ type_ratio() ~ ') / parts.mrr_denominator * 100' %}
{%- set line_fx_effect_cents = '(' ~ line_numerator_estimate ~ ')'
    ~ ' * cast(fx_rates_monthly.rate_change as ' ~ type_ratio() ~ ') / parts.mrr_denominator * 100' %}
{%- set line_currency = value_fingerprint('parts.currency') %}
{%- set line_subscription = value_fingerprint(
    "case when parts.line_source = 'subscription_item' then parts.pricing_group_id end"
) %}
{%- set line_is_contract = "case when parts.line_source = 'crm_contract' then 1 else 0 end" %}
{%- set part_discount_matches -%}
    parts.pricing_group_id = part_discounts.pricing_group_id
        and parts.month = part_discounts.month
        and parts.currency = part_discounts.currency
        and parts.factor_numerator = part_discounts.factor_numerator
        and parts.mrr_denominator = part_discounts.mrr_denominator
{%- endset %}

-- An account whose lines never share a month (int_revenue_lines) has one line a month: its
-- line-months are its account-months, which at 1M accounts is half of them.
with line_months_of_accounts_with_one_line_a_month as (
    select * from {{ ref('int_revenue_line_months') }}
    where not account_lines_overlap
        and {{ in_recompute_window('month') }}
),

line_months_of_accounts_with_overlapping_lines as (
    select * from {{ ref('int_revenue_line_months') }}
    where account_lines_overlap
        and {{ in_recompute_window('month') }}
),

-- Each reader of the discounted groups reads them itself: DuckDB would hold a CTE read twice in memory.
-- Only the groups a discount changed: a group whose discount took nothing off has its lines' own
-- MRR either way. The filter also keeps DuckDB hashing these few groups rather than the line-months
-- (whose count it underestimates ~10x): 2 s less CPU at 1M accounts.
discounts_of_accounts_with_one_line_a_month as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where discounted_mrr_numerator != gross_mrr_numerator
        and {{ in_recompute_window('month') }}
),

discounts_of_accounts_with_overlapping_lines as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where discounted_mrr_numerator != gross_mrr_numerator
        and {{ in_recompute_window('month') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
    where {{ in_recompute_window('month') }}
),

-- The distinct counts and the exact path need the lines of a few account-months each, and read
-- them again (a semi join on those account-months prunes the rest early).
line_months_to_count as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month') }}
),

line_months_to_add_exactly as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month') }}
),

discounts_to_add_exactly as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where {{ in_recompute_window('month') }}
),

fx_rates_to_add_exactly as (
    select * from {{ ref('int_fx_rates_monthly') }}
    where {{ in_recompute_window('month') }}
),

-- Distinct counts are slow to aggregate: the smallest and largest value tell 0, 1 or "more".
-- A subscription has one customer, so several customers come with several subscriptions.
estimated_account_months as (
    select
        parts.month,
        parts.account_key,
        {{ line_currency }} as min_currency,
        {{ line_currency }} as max_currency,
        parts.customer_key as min_customer_key,
        {{ line_subscription }} as min_subscription,
        {{ line_subscription }} as max_subscription,
        {{ line_is_contract }} as contract_count,
        cast(1 as bigint) as line_count,
        {{ line_mrr_cents }} as mrr_cents,
        {{ line_fx_effect_cents }} as fx_effect_cents
    from line_months_of_accounts_with_one_line_a_month as parts
    left join discounts_of_accounts_with_one_line_a_month as part_discounts
        on {{ part_discount_matches }}
    inner join fx_rates_monthly
        on parts.currency = fx_rates_monthly.currency
        and parts.month = fx_rates_monthly.month
    union all
    select
        parts.month,
        parts.account_key,
        min({{ line_currency }}) as min_currency,
        max({{ line_currency }}) as max_currency,
        min(parts.customer_key) as min_customer_key,
        min({{ line_subscription }}) as min_subscription,
        max({{ line_subscription }}) as max_subscription,
        sum({{ line_is_contract }}) as contract_count,
        count(*) as line_count,
        sum({{ line_mrr_cents }}) as mrr_cents,
        sum({{ line_fx_effect_cents }}) as fx_effect_cents
    from line_months_of_accounts_with_overlapping_lines as parts
    left join discounts_of_accounts_with_overlapping_lines as part_discounts
        on {{ part_discount_matches }}
    inner join fx_rates_monthly
        on parts.currency = fx_rates_monthly.currency
        and parts.month = fx_rates_monthly.month
    group by
        parts.month,
        parts.account_key
),

estimates_checked as (
    select
        *,
        {{ is_safe_to_round('mrr_cents') }} and {{ is_safe_to_round('fx_effect_cents') }} as is_safe
    from estimated_account_months
),

several_currencies_customers_or_subscriptions as (
    select
        line_months_to_count.month,
        line_months_to_count.account_key,
        count(distinct line_months_to_count.currency) as currency_count,
        count(distinct line_months_to_count.customer_key) as billing_customer_count,
        count(distinct case
            when line_months_to_count.line_source = 'subscription_item'
                then line_months_to_count.pricing_group_id
        end) as subscription_count
    from line_months_to_count
    inner join estimates_checked
        on line_months_to_count.account_key = estimates_checked.account_key
        and line_months_to_count.month = estimates_checked.month
        and (
            estimates_checked.min_currency != estimates_checked.max_currency
            or estimates_checked.min_subscription != estimates_checked.max_subscription
        )
    group by
        line_months_to_count.month,
        line_months_to_count.account_key
),

-- The lines of the account-months whose estimate is too close to half a cent, added up into
-- pricing groups as above, to be added up exactly.
lines_close_to_half_a_cent as (
    select line_months_to_add_exactly.*
    from line_months_to_add_exactly
    inner join estimates_checked
        on line_months_to_add_exactly.account_key = estimates_checked.account_key
        and line_months_to_add_exactly.month = estimates_checked.month
        and not estimates_checked.is_safe
),

groups_close_to_half_a_cent as (
    select
        {{ group_columns | join(',\n        ') }},
        sum(mrr_numerator) as gross_mrr_numerator
    from lines_close_to_half_a_cent
    group by {{ group_columns | join(', ') }}
),

close_to_half_a_cent as (
    select
        parts.month,
        parts.account_key,
        parts.mrr_denominator,
        {{ group_numerator }} as mrr_local_numerator,
        fx_rates_to_add_exactly.rate_to_reporting as mrr_rate,
        {{ group_numerator }} as fx_effect_local_numerator,
        fx_rates_to_add_exactly.rate_change as fx_effect_rate
    from groups_close_to_half_a_cent as parts
    left join discounts_to_add_exactly as part_discounts
        on {{ part_discount_matches }}
    inner join fx_rates_to_add_exactly
        on parts.currency = fx_rates_to_add_exactly.currency
        and parts.month = fx_rates_to_add_exactly.month
),

{{ exact_sums_rounded_to_cents('close_to_half_a_cent', ['mrr', 'fx_effect'], 'exact_account_months') }},  -- noqa: PRS

final as (
    select
        estimates_checked.month,
        estimates_checked.account_key,
        coalesce(exact_account_months.mrr, {{ cents_to_money('round(estimates_checked.mrr_cents)') }}) as mrr,
        coalesce(
            exact_account_months.fx_effect, {{ cents_to_money('round(estimates_checked.fx_effect_cents)') }}
        ) as fx_effect,
        coalesce(
            several_currencies_customers_or_subscriptions.currency_count,
            case when estimates_checked.min_currency is null then 0 else 1 end
        ) as currency_count,
        coalesce(
            several_currencies_customers_or_subscriptions.billing_customer_count,
            case when estimates_checked.min_customer_key is null then 0 else 1 end
        ) as billing_customer_count,
        coalesce(
            several_currencies_customers_or_subscriptions.subscription_count,
            case when estimates_checked.min_subscription is null then 0 else 1 end
        ) as subscription_count,
        estimates_checked.contract_count,
        estimates_checked.line_count
    from estimates_checked
    left join several_currencies_customers_or_subscriptions
        on estimates_checked.account_key = several_currencies_customers_or_subscriptions.account_key
        and estimates_checked.month = several_currencies_customers_or_subscriptions.month
    left join exact_account_months
        on estimates_checked.account_key = exact_account_months.account_key
        and estimates_checked.month = exact_account_months.month
)

select * from final

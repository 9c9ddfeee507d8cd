-- Rules 6-7: an account's MRR in a month is the sum of its discounted local MRR converted at
-- the month's rate, rounded once to the cent. The part of the month-over-month change caused
-- by exchange rates alone, sum_c L_c(M) x (r_c(M) - r_c(M-1)), is computed here too (rule 8).
-- Each line's local MRR is numerator / denominator; the numerators are converted, brought to the
-- shared denominator and added up exactly, so 1/3 and 1/12 parts of one account that together
-- make exactly half a cent round up as they should (macros/money.sql).
-- Speed: a double estimate rounds correctly unless it lies within 1/10,000 of a cent of a half
-- cent (or is beyond 100 million); only those few account-months take the exact decimal path.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

{#- Each pricing group's part of its account-month: the account-month itself for an account with one
    group a month, added up for the others. -#}
{%- set group_currency = value_fingerprint('account_groups.currency') %}
{%- set group_is_subscription = "case when account_groups.line_source = 'subscription_item' then 1 else 0 end" %}
{%- set group_is_contract = "case when account_groups.line_source = 'crm_contract' then 1 else 0 end" %}
{%- set group_mrr_cents = 'cast(account_groups.discounted_mrr_numerator as ' ~ type_ratio() ~ ')'
    ~ ' * cast(fx_rates_monthly.rate_to_reporting as ' ~ type_ratio() ~ ') / account_groups.mrr_denominator * 100' %}
{%- set group_fx_effect_cents = 'cast(account_groups.discounted_mrr_numerator as ' ~ type_ratio() ~ ')'
    ~ ' * cast(fx_rates_monthly.rate_change as ' ~ type_ratio() ~ ') / account_groups.mrr_denominator * 100' %}

-- An account whose lines never share a month (int_revenue_lines) has one group a month: its
-- account-months need no aggregation, which at 1M accounts is half of them.
with groups_of_accounts_with_one_line_a_month as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where not account_lines_overlap
        and {{ in_recompute_window('month') }}
),

groups_of_accounts_with_overlapping_lines as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where account_lines_overlap
        and {{ in_recompute_window('month') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
    where {{ in_recompute_window('month') }}
),

-- The distinct counts and the exact path need the groups of a few account-months each. They read
-- the groups again: a CTE read three times is held in memory whole (15M rows at 1M accounts).
discounted_groups_to_count as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where {{ in_recompute_window('month') }}
),

discounted_groups_to_add_exactly as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where {{ in_recompute_window('month') }}
),

fx_rates_to_add_exactly as (
    select * from {{ ref('int_fx_rates_monthly') }}
    where {{ in_recompute_window('month') }}
),

estimated_account_months as (
    select
        account_groups.month,
        account_groups.account_key,
        {{ group_currency }} as min_currency,
        {{ group_currency }} as max_currency,
        account_groups.customer_key as min_customer_key,
        account_groups.customer_key as max_customer_key,
        {{ group_is_subscription }} as subscription_count,
        {{ group_is_contract }} as contract_count,
        account_groups.line_count,
        {{ group_mrr_cents }} as mrr_cents,
        {{ group_fx_effect_cents }} as fx_effect_cents
    from groups_of_accounts_with_one_line_a_month as account_groups
    inner join fx_rates_monthly
        on account_groups.currency = fx_rates_monthly.currency
        and account_groups.month = fx_rates_monthly.month
    union all
    -- Distinct counts are slow to aggregate; the smallest and largest value tell 0, 1 or "more".
    select
        account_groups.month,
        account_groups.account_key,
        min({{ group_currency }}) as min_currency,
        max({{ group_currency }}) as max_currency,
        min(account_groups.customer_key) as min_customer_key,
        max(account_groups.customer_key) as max_customer_key,
        sum({{ group_is_subscription }}) as subscription_count,
        sum({{ group_is_contract }}) as contract_count,
        sum(account_groups.line_count) as line_count,
        sum({{ group_mrr_cents }}) as mrr_cents,
        sum({{ group_fx_effect_cents }}) as fx_effect_cents
    from groups_of_accounts_with_overlapping_lines as account_groups
    inner join fx_rates_monthly
        on account_groups.currency = fx_rates_monthly.currency
        and account_groups.month = fx_rates_monthly.month
    group by
        account_groups.month,
        account_groups.account_key
),

estimates_checked as (
    select
        *,
        {{ is_safe_to_round('mrr_cents') }} and {{ is_safe_to_round('fx_effect_cents') }} as is_safe
    from estimated_account_months
),

several_currencies_or_customers as (
    select
        discounted_groups_to_count.month,
        discounted_groups_to_count.account_key,
        count(distinct discounted_groups_to_count.currency) as currency_count,
        count(distinct discounted_groups_to_count.customer_key) as billing_customer_count
    from discounted_groups_to_count
    inner join estimates_checked
        on discounted_groups_to_count.account_key = estimates_checked.account_key
        and discounted_groups_to_count.month = estimates_checked.month
        and (
            estimates_checked.min_currency != estimates_checked.max_currency
            or estimates_checked.min_customer_key != estimates_checked.max_customer_key
        )
    group by
        discounted_groups_to_count.month,
        discounted_groups_to_count.account_key
),

close_to_half_a_cent as (
    select
        discounted_groups_to_add_exactly.month,
        discounted_groups_to_add_exactly.account_key,
        discounted_groups_to_add_exactly.mrr_denominator,
        cast(
            discounted_groups_to_add_exactly.discounted_mrr_numerator * fx_rates_to_add_exactly.rate_to_reporting
            as decimal(38, 12)
        ) as mrr_numerator,
        cast(
            discounted_groups_to_add_exactly.discounted_mrr_numerator * fx_rates_to_add_exactly.rate_change
            as decimal(38, 12)
        ) as fx_effect_numerator,
        case
            when {{ shared_mrr_denominator() }} % discounted_groups_to_add_exactly.mrr_denominator = 0
                then {{ shared_mrr_denominator() }}
            else discounted_groups_to_add_exactly.mrr_denominator
        end as shared_denominator
    from discounted_groups_to_add_exactly
    inner join fx_rates_to_add_exactly
        on discounted_groups_to_add_exactly.currency = fx_rates_to_add_exactly.currency
        and discounted_groups_to_add_exactly.month = fx_rates_to_add_exactly.month
    inner join estimates_checked
        on discounted_groups_to_add_exactly.account_key = estimates_checked.account_key
        and discounted_groups_to_add_exactly.month = estimates_checked.month
        and not estimates_checked.is_safe
),

per_shared_denominator as (
    select
        month,
        account_key,
        shared_denominator,
        sum(mrr_numerator * cast(shared_denominator / mrr_denominator as integer)) as mrr_numerator,
        sum(fx_effect_numerator * cast(shared_denominator / mrr_denominator as integer)) as fx_effect_numerator
    from close_to_half_a_cent
    group by
        month,
        account_key,
        shared_denominator
),

exact_account_months as (
    select
        month,
        account_key,
        {{ round_to_cents('sum(' ~ divide_exact('mrr_numerator', 'shared_denominator') ~ ')') }} as mrr,
        {{ round_to_cents('sum(' ~ divide_exact('fx_effect_numerator', 'shared_denominator') ~ ')') }} as fx_effect
    from per_shared_denominator
    group by
        month,
        account_key
),

final as (
    select
        estimates_checked.month,
        estimates_checked.account_key,
        coalesce(exact_account_months.mrr, {{ cents_to_money('round(estimates_checked.mrr_cents)') }}) as mrr,
        coalesce(
            exact_account_months.fx_effect, {{ cents_to_money('round(estimates_checked.fx_effect_cents)') }}
        ) as fx_effect,
        coalesce(
            several_currencies_or_customers.currency_count,
            case when estimates_checked.min_currency is null then 0 else 1 end
        ) as currency_count,
        coalesce(
            several_currencies_or_customers.billing_customer_count,
            case when estimates_checked.min_customer_key is null then 0 else 1 end
        ) as billing_customer_count,
        estimates_checked.subscription_count,
        estimates_checked.contract_count,
        estimates_checked.line_count
    from estimates_checked
    left join several_currencies_or_customers
        on estimates_checked.account_key = several_currencies_or_customers.account_key
        and estimates_checked.month = several_currencies_or_customers.month
    left join exact_account_months
        on estimates_checked.account_key = exact_account_months.account_key
        and estimates_checked.month = exact_account_months.month
)

select * from final

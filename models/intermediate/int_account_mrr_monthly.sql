-- Rules 6-7: an account's MRR in a month is the sum of its discounted local MRR converted at
-- the month's rate, rounded once to the cent. The part of the month-over-month change caused
-- by exchange rates alone, sum_c L_c(M) x (r_c(M) - r_c(M-1)), is computed here too (rule 8).
-- Local amounts are summed per (account, currency, denominator) before the one exact division.

with discounted_groups as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

account_currency_months as (
    select
        month,
        account_id,
        currency,
        mrr_denominator,
        sum(discounted_mrr_numerator) as local_mrr_numerator,
        count(distinct case when pricing_group_id not like 'contract:%' then pricing_group_id end)
            as subscription_count,
        count(distinct case when pricing_group_id like 'contract:%' then pricing_group_id end)
            as contract_count,
        sum(line_count) as line_count
    from discounted_groups
    group by
        month,
        account_id,
        currency,
        mrr_denominator
),

converted as (
    select
        account_currency_months.*,
        {{ divide_exact(
            'account_currency_months.local_mrr_numerator * fx_rates_monthly.rate_to_reporting',
            'account_currency_months.mrr_denominator'
        ) }} as mrr_exact,
        {{ divide_exact(
            'account_currency_months.local_mrr_numerator * (fx_rates_monthly.rate_to_reporting'
            ~ ' - coalesce(fx_rates_monthly.previous_month_rate, fx_rates_monthly.rate_to_reporting))',
            'account_currency_months.mrr_denominator'
        ) }} as fx_effect_exact
    from account_currency_months
    inner join fx_rates_monthly
        on account_currency_months.currency = fx_rates_monthly.currency
        and account_currency_months.month = fx_rates_monthly.month
),

final as (
    select
        month,
        account_id,
        {{ round_to_cents('sum(mrr_exact)') }} as mrr,
        {{ round_to_cents('sum(fx_effect_exact)') }} as fx_effect,
        count(distinct currency) as currency_count,
        sum(subscription_count) as subscription_count,
        sum(contract_count) as contract_count,
        sum(line_count) as line_count
    from converted
    group by
        month,
        account_id
)

select * from final

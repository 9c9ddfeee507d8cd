-- One row per account, product and month with product MRR: each pricing group's discounted MRR
-- is shared among its products by their gross (undiscounted) MRR, converted like the account
-- (rule 7), and the account's rounded MRR and fx effect are split over its products with
-- largest-remainder cents, so products add up to the account to the cent.

with line_months as (
    select * from {{ ref('int_revenue_line_months') }}
),

discounted_groups as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

product_gross_in_group as (
    select
        month,
        account_id,
        pricing_group_id,
        product_id,
        currency,
        mrr_denominator,
        sum(mrr_numerator) as product_gross_numerator
    from line_months
    group by
        month,
        account_id,
        pricing_group_id,
        product_id,
        currency,
        mrr_denominator
),

product_exact as (
    select
        product_gross_in_group.month,
        product_gross_in_group.account_id,
        coalesce(product_gross_in_group.product_id, '(none)') as product_id,
        sum(
            {{ safe_ratio(
                'discounted_groups.discounted_mrr_numerator * product_gross_in_group.product_gross_numerator',
                'discounted_groups.gross_mrr_numerator * discounted_groups.mrr_denominator'
            ) }} * fx_rates_monthly.rate_to_reporting
        ) as mrr_exact,
        sum(
            {{ safe_ratio(
                'discounted_groups.discounted_mrr_numerator * product_gross_in_group.product_gross_numerator',
                'discounted_groups.gross_mrr_numerator * discounted_groups.mrr_denominator'
            ) }} * (
                fx_rates_monthly.rate_to_reporting
                - coalesce(fx_rates_monthly.previous_month_rate, fx_rates_monthly.rate_to_reporting)
            )
        ) as fx_effect_exact
    from product_gross_in_group
    inner join discounted_groups
        on product_gross_in_group.pricing_group_id = discounted_groups.pricing_group_id
        and product_gross_in_group.month = discounted_groups.month
        and product_gross_in_group.currency = discounted_groups.currency
        and product_gross_in_group.mrr_denominator = discounted_groups.mrr_denominator
    inner join fx_rates_monthly
        on product_gross_in_group.currency = fx_rates_monthly.currency
        and product_gross_in_group.month = fx_rates_monthly.month
    group by
        product_gross_in_group.month,
        product_gross_in_group.account_id,
        coalesce(product_gross_in_group.product_id, '(none)')
),

with_account_totals as (
    select
        product_exact.*,
        account_months.mrr as account_mrr,
        account_months.fx_effect as account_fx_effect
    from product_exact
    inner join account_months
        on product_exact.account_id = account_months.account_id
        and product_exact.month = account_months.month
),

mrr_allocated as (
    {{ allocate_cents('with_account_totals', ['account_id', 'month'], 'product_id', 'mrr_exact', 'account_mrr') }}
),

final as (
    select
        month,
        account_id,
        product_id,
        allocated as mrr,
        fx_effect_exact,
        account_fx_effect
    from mrr_allocated
)

select * from final

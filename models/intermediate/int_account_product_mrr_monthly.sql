-- One row per account, product and month with product MRR: each pricing group's discounted MRR
-- is shared among its products by their gross (undiscounted) MRR, converted like the account
-- (rule 7), and the account's rounded MRR and fx effect are split over its products with
-- largest-remainder cents, so products add up to the account to the cent.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with line_months as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month') }}
),

discounted_groups as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where {{ in_recompute_window('month') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
    where {{ in_recompute_window('month') }}
),

account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
    where {{ in_recompute_window('month') }}
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

product_local_mrr as (
    -- The product's share of its pricing group's discounted local MRR, as a double: only a weight
    -- for splitting the account's exact, rounded MRR below (decimals here could overflow).
    select
        product_gross_in_group.month,
        product_gross_in_group.account_id,
        coalesce(product_gross_in_group.product_id, '(none)') as product_id,
        product_gross_in_group.currency,
        cast(discounted_groups.discounted_mrr_numerator as {{ type_ratio() }})
        * {{ safe_ratio('product_gross_in_group.product_gross_numerator', 'discounted_groups.gross_mrr_numerator') }}
        / discounted_groups.mrr_denominator as local_mrr
    from product_gross_in_group
    inner join discounted_groups
        on product_gross_in_group.pricing_group_id = discounted_groups.pricing_group_id
        and product_gross_in_group.month = discounted_groups.month
        and product_gross_in_group.currency = discounted_groups.currency
        and product_gross_in_group.mrr_denominator = discounted_groups.mrr_denominator
),

product_exact as (
    select
        product_local_mrr.month,
        product_local_mrr.account_id,
        product_local_mrr.product_id,
        sum(product_local_mrr.local_mrr * fx_rates_monthly.rate_to_reporting) as mrr_exact,
        sum(product_local_mrr.local_mrr * fx_rates_monthly.rate_change) as fx_effect_exact
    from product_local_mrr
    inner join fx_rates_monthly
        on product_local_mrr.currency = fx_rates_monthly.currency
        and product_local_mrr.month = fx_rates_monthly.month
    group by
        product_local_mrr.month,
        product_local_mrr.account_id,
        product_local_mrr.product_id
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

-- One row per account, product and month with product MRR: each pricing group's discounted MRR
-- is shared among its products by their gross (undiscounted) MRR, converted like the account
-- (rule 7), and the account's rounded MRR and fx effect are split over its products with
-- largest-remainder cents, so products add up to the account to the cent.
-- An account that only ever had one product (~70% of account-months) needs no split: the product
-- has the account's MRR, and the account's fx effect stands in for the exact one, whose only use is
-- to weigh the split of the account's fx movement in int_account_product_mrr_changes (a lone
-- weight gets it all).

-- A view: its one reader, int_account_product_mrr_pairs, computes it for the months it recomputes
-- (DuckDB pushes that month filter down through the split); storing 17M rows at a million accounts
-- cost more than computing them there.

{{ config(materialized='view') }}

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

-- Read again rather than reusing account_months: DuckDB would hold a CTE read twice in memory.
account_months_to_split as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

accounts_with_one_product as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_product_id is not null
),

accounts_with_several_products as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_product_id is null
),

line_months as (
    select * from {{ ref('int_revenue_line_months') }}
),

-- Only the groups a discount changed: the others' lines keep their own MRR.
discounted_groups as (
    select * from {{ ref('int_subscription_mrr_discounted') }}
    where discounted_mrr_numerator != gross_mrr_numerator
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

single_products as (
    select
        account_months.month,
        account_months.account_key,
        accounts_with_one_product.sole_product_id as product_id,
        account_months.mrr,
        cast(account_months.fx_effect as {{ type_ratio() }}) as fx_effect_exact,
        account_months.fx_effect as account_fx_effect
    from account_months
    inner join accounts_with_one_product
        on account_months.account_key = accounts_with_one_product.account_key
),

line_local_mrr as (
    -- Each line's discounted local MRR, as a double: only a weight for splitting the account's
    -- exact, rounded MRR below (decimals here could overflow). A discounted group's MRR is shared
    -- among its lines by their gross MRR.
    select
        line_months.month,
        line_months.account_key,
        {{ product_key('line_months.product_id') }} as product_id,
        line_months.currency,
        case
            when discounted_groups.pricing_group_id is null
                then cast(line_months.mrr_numerator as {{ type_ratio() }}) / line_months.mrr_denominator
            else
                cast(discounted_groups.discounted_mrr_numerator as {{ type_ratio() }})
                * {{ safe_ratio('line_months.mrr_numerator', 'discounted_groups.gross_mrr_numerator') }}
                / discounted_groups.mrr_denominator
        end as local_mrr
    from line_months
    inner join accounts_with_several_products
        on line_months.account_key = accounts_with_several_products.account_key
    left join discounted_groups
        on line_months.pricing_group_id = discounted_groups.pricing_group_id
        and line_months.month = discounted_groups.month
        and line_months.currency = discounted_groups.currency
        and line_months.factor_numerator = discounted_groups.factor_numerator
        and line_months.mrr_denominator = discounted_groups.mrr_denominator
),

product_exact as (
    select
        line_local_mrr.month,
        line_local_mrr.account_key,
        line_local_mrr.product_id,
        sum(line_local_mrr.local_mrr * fx_rates_monthly.rate_to_reporting) as mrr_exact,
        sum(line_local_mrr.local_mrr * fx_rates_monthly.rate_change) as fx_effect_exact
    from line_local_mrr
    inner join fx_rates_monthly
        on line_local_mrr.currency = fx_rates_monthly.currency
        and line_local_mrr.month = fx_rates_monthly.month
    group by
        line_local_mrr.month,
        line_local_mrr.account_key,
        line_local_mrr.product_id
),

with_account_totals as (
    select
        product_exact.*,
        account_months_to_split.mrr as account_mrr,
        account_months_to_split.fx_effect as account_fx_effect
    from product_exact
    inner join account_months_to_split
        on product_exact.account_key = account_months_to_split.account_key
        and product_exact.month = account_months_to_split.month
),

mrr_allocated as (
    {{ allocate_cents('with_account_totals', ['account_key', 'month'], 'product_id', 'mrr_exact', 'account_mrr') }}
),

split_products as (
    select
        month,
        account_key,
        product_id,
        allocated as mrr,
        fx_effect_exact,
        account_fx_effect
    from mrr_allocated
),

final as (
    select * from single_products
    union all
    select * from split_products
)

select * from final

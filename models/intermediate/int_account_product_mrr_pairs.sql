-- One row per account, product and month in which the product has MRR or had it the month before
-- (through the as_of month): its opening (last month's) and closing MRR, and its exact fx effect.
-- Only accounts that ever had several products: one with a single product moves as the account
-- does, and int_account_product_mrr_changes takes its months from int_account_mrr_changes.
-- The product split itself keeps every account: an account that takes a second product this month
-- pairs its new months with split rows of months it had one product in.
-- Each product month meets the month before by aggregation: it closes its own month and opens the
-- next. Kept apart from int_account_product_mrr_changes: at a million accounts this aggregation
-- and the join there do not fit in DuckDB's memory limit side by side. Product months are read
-- once, doubled by a two-row join (DuckDB materialises a CTE read twice, all of it, in memory).

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with product_months as (
    select * from {{ ref('int_account_product_mrr_monthly') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

accounts_with_several_products as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_product_id is null
),

month_offsets as (
    select 0 as months_later
    union all
    select 1 as months_later
),

product_month_sides as (
    select
        cast({{ dbt.dateadd('month', 'month_offsets.months_later', 'product_months.month') }} as date) as month,
        product_months.account_key,
        product_months.product_id,
        case when month_offsets.months_later = 1 then product_months.mrr else 0 end as opening_mrr,
        case when month_offsets.months_later = 0 then product_months.mrr else 0 end as closing_mrr,
        case when month_offsets.months_later = 0 then product_months.fx_effect_exact else 0 end as fx_effect_exact
    from product_months
    inner join accounts_with_several_products
        on product_months.account_key = accounts_with_several_products.account_key
    cross join month_offsets
),

final as (
    select
        month,
        account_key,
        product_id,
        cast(sum(opening_mrr) as decimal(18, 2)) as opening_mrr,
        cast(sum(closing_mrr) as decimal(18, 2)) as closing_mrr,
        sum(fx_effect_exact) as fx_effect_exact
    from product_month_sides
    where month <= {{ as_of_month() }}
        and {{ in_recompute_window('month') }}
    group by
        month,
        account_key,
        product_id
)

select * from final

-- One row per account, product and month in which the product has MRR or had it the month before
-- (through the as_of month): its opening (last month's) and closing MRR, and its exact fx effect.
-- Each product month meets the month before by aggregation: it closes its own month and opens the
-- next. Kept apart from int_account_product_mrr_changes: at a million accounts this aggregation
-- and the join there do not fit in DuckDB's memory limit side by side. Product months are read
-- once, doubled by a two-row join (DuckDB materialises a CTE read twice, all of it, in memory).

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with product_months as (
    select * from {{ ref('int_account_product_mrr_monthly') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

month_offsets as (
    select 0 as months_later
    union all
    select 1 as months_later
),

product_month_sides as (
    select
        cast({{ dbt.dateadd('month', 'month_offsets.months_later', 'product_months.month') }} as date) as month,
        product_months.account_id,
        product_months.product_id,
        case when month_offsets.months_later = 1 then product_months.mrr else 0 end as opening_mrr,
        case when month_offsets.months_later = 0 then product_months.mrr else 0 end as closing_mrr,
        case when month_offsets.months_later = 0 then product_months.fx_effect_exact else 0 end as fx_effect_exact
    from product_months
    cross join month_offsets
),

final as (
    select
        month,
        account_id,
        product_id,
        cast(sum(opening_mrr) as decimal(18, 2)) as opening_mrr,
        cast(sum(closing_mrr) as decimal(18, 2)) as closing_mrr,
        sum(fx_effect_exact) as fx_effect_exact
    from product_month_sides
    where month <= {{ as_of_month() }}
        and {{ in_recompute_window('month') }}
    group by
        month,
        account_id,
        product_id
)

select * from final

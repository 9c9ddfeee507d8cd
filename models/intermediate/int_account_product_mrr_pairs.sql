-- One row per account, product and month in which the product has MRR or had it the month before
-- (through the as_of month): its opening (last month's) and closing MRR, and its exact fx effect.
-- Each product month meets the month before by aggregation: it closes its own month and opens the
-- next. Kept apart from int_account_product_mrr_changes: at a million accounts this aggregation
-- and the join there do not fit in DuckDB's memory limit side by side.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with product_months as (
    select * from {{ ref('int_account_product_mrr_monthly') }}
    where {{ in_recompute_window('month', months_before=1) }}
),

product_month_sides as (
    select
        month,
        account_id,
        product_id,
        0 as opening_mrr,
        mrr as closing_mrr,
        fx_effect_exact
    from product_months
    union all
    select
        cast({{ dbt.dateadd('month', 1, 'month') }} as date) as month,
        account_id,
        product_id,
        mrr as opening_mrr,
        0 as closing_mrr,
        0 as fx_effect_exact
    from product_months
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

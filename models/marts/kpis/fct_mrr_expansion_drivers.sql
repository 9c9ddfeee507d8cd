-- Expansion and contraction of accounts active in both months, split into seat, price and plan
-- changes that add up to the business change exactly (see int_account_mrr_change_drivers).

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with change_drivers as (
    select * from {{ ref('int_account_mrr_change_drivers') }}
    where {{ in_recompute_window('month') }}
),

final as (
    select
        month,
        account_id,
        cast(business_change as decimal(18, 2)) as business_change,
        cast(seat_change as decimal(18, 2)) as seat_change,
        cast(price_change as decimal(18, 2)) as price_change,
        cast(plan_change as decimal(18, 2)) as plan_change
    from change_drivers
)

select * from final

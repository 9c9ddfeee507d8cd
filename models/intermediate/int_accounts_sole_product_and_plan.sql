-- One row per account with revenue lines: the only product and the only plan among all its lines,
-- in any month (null when it has several). For ~70% of account-months the account has one product
-- ever, and for ~55% one plan: the product split and the primary plan need no per-line work there.
-- Over all months rather than per month: a 1,000,000-account line table is small, while carrying
-- per-month values through the 15M-row month models cost more than the work they saved.

with revenue_lines as (
    select * from {{ ref('int_revenue_lines') }}
),

final as (
    select
        account_key,
        {{ sole_value(product_key('product_id')) }} as sole_product_id,
        {{ sole_value(plan_key('plan_id', 'line_source')) }} as sole_plan_id
    from revenue_lines
    group by account_key
)

select * from final

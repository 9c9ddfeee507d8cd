-- Rule 2: each line expanded to exactly the months it counts in. The join is a range join on a
-- calendar of a few hundred months, so the output grows with active line-months only.
-- A view: the range join is cheaper than writing its ~18M rows at 1M accounts and reading them back
-- (9 s to store, ~1 s more for the models that read it), and each reader filters the months it needs.
-- Every incremental month model reads it or a model that does, so ordering it after the recompute
-- window orders them too.
-- depends_on: {{ ref('int_mrr_recompute_window') }}

{{ config(materialized='view') }}

with revenue_lines as (
    select * from {{ ref('int_revenue_lines') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

final as (
    select
        reporting_months.month,
        revenue_lines.account_key,
        revenue_lines.customer_key,
        revenue_lines.pricing_group_id,
        revenue_lines.line_source,
        revenue_lines.line_id,
        revenue_lines.product_id,
        revenue_lines.plan_id,
        revenue_lines.currency,
        revenue_lines.quantity,
        revenue_lines.factor_numerator,
        revenue_lines.mrr_denominator,
        revenue_lines.mrr_numerator,
        revenue_lines.account_lines_overlap
    from revenue_lines
    inner join reporting_months
        on reporting_months.month >= revenue_lines.first_counted_month
        and reporting_months.month <= revenue_lines.last_counted_month
)

select * from final

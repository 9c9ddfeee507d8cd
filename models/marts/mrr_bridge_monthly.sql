-- The monthly MRR bridge: opening + new + expansion + reactivation - contraction - churn + fx = closing.

with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

monthly_totals as (
    select
        month,
        sum(opening_mrr) as opening_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churn_mrr) as churn_mrr,
        sum(fx_mrr) as fx_mrr,
        sum(closing_mrr) as closing_mrr,
        sum(case when opening_mrr > 0 then 1 else 0 end) as opening_customers,
        sum(case when new_mrr > 0 then 1 else 0 end) as new_customers,
        sum(case when reactivation_mrr > 0 then 1 else 0 end) as reactivated_customers,
        sum(case when churn_mrr > 0 then 1 else 0 end) as churned_customers,
        sum(case when closing_mrr > 0 then 1 else 0 end) as closing_customers
    from account_changes
    group by month
),

final as (
    select
        reporting_months.month,
        cast(coalesce(monthly_totals.opening_mrr, 0) as decimal(18, 2)) as opening_mrr,
        cast(coalesce(monthly_totals.new_mrr, 0) as decimal(18, 2)) as new_mrr,
        cast(coalesce(monthly_totals.expansion_mrr, 0) as decimal(18, 2)) as expansion_mrr,
        cast(coalesce(monthly_totals.reactivation_mrr, 0) as decimal(18, 2)) as reactivation_mrr,
        cast(coalesce(monthly_totals.contraction_mrr, 0) as decimal(18, 2)) as contraction_mrr,
        cast(coalesce(monthly_totals.churn_mrr, 0) as decimal(18, 2)) as churn_mrr,
        cast(coalesce(monthly_totals.fx_mrr, 0) as decimal(18, 2)) as fx_mrr,
        cast(coalesce(monthly_totals.closing_mrr, 0) as decimal(18, 2)) as closing_mrr,
        cast(coalesce(monthly_totals.closing_mrr - monthly_totals.opening_mrr, 0) as decimal(18, 2))
            as net_new_mrr,
        cast(coalesce(monthly_totals.opening_customers, 0) as integer) as opening_customers,
        cast(coalesce(monthly_totals.new_customers, 0) as integer) as new_customers,
        cast(coalesce(monthly_totals.reactivated_customers, 0) as integer) as reactivated_customers,
        cast(coalesce(monthly_totals.churned_customers, 0) as integer) as churned_customers,
        cast(coalesce(monthly_totals.closing_customers, 0) as integer) as closing_customers,
        cast(12 * coalesce(monthly_totals.closing_mrr, 0) as decimal(18, 2)) as arr
    from reporting_months
    left join monthly_totals
        on reporting_months.month = monthly_totals.month
)

select * from final

-- CAC, LTV and payback per month.
--   cac = sales and marketing spend / new customers
--   ltv = arpa / logo churn rate, the churn rate averaged over the trailing 3 months (this and the
--         two before) so one quiet month does not make LTV infinite
--   cac_payback_months = cac / ARPA of new customers (new MRR / new customers)

with kpis_monthly as (
    select * from {{ ref('mrr_kpis_monthly') }}
),

spend as (
    select * from {{ ref('int_sales_marketing_spend_monthly') }}
),

valid_spend as (
    select
        month,
        amount as sales_marketing_spend_local_numerator,
        rate_to_reporting as sales_marketing_spend_rate,
        1 as weight,
        1 as common_denominator
    from spend
    where rejection_reason is null
),

-- Converted and added up exactly, rounded to the cent once, here: CAC divides the spend the mart shows.
{{ converted_sums_rounded_to_cents('valid_spend', ['sales_marketing_spend'], 'spend_monthly', ['month']) }},

with_trailing_churn as (
    select
        kpis_monthly.month,
        kpis_monthly.new_customers,
        kpis_monthly.new_mrr,
        kpis_monthly.arpa,
        kpis_monthly.logo_churn_rate,
        avg(kpis_monthly.logo_churn_rate) over (
            order by kpis_monthly.month rows between 2 preceding and current row
        ) as trailing_3m_logo_churn_rate,
        coalesce(spend_monthly.sales_marketing_spend, 0) as sales_marketing_spend
    from kpis_monthly
    left join spend_monthly
        on kpis_monthly.month = spend_monthly.month
),

final as (
    select
        month,
        cast(sales_marketing_spend as decimal(18, 2)) as sales_marketing_spend,
        new_customers,
        {{ safe_ratio('sales_marketing_spend', 'new_customers') }} as cac,
        arpa,
        {{ safe_ratio('new_mrr', 'new_customers') }} as new_customer_arpa,
        logo_churn_rate,
        trailing_3m_logo_churn_rate,
        {{ safe_ratio('arpa', 'trailing_3m_logo_churn_rate') }} as ltv,
        {{ safe_ratio(safe_ratio('sales_marketing_spend', 'new_customers'), safe_ratio('new_mrr', 'new_customers')) }}
            as cac_payback_months
    from with_trailing_churn
)

select * from final

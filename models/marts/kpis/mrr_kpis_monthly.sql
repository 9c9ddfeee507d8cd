-- Monthly retention KPIs on top of the bridge (formulas in macros/kpis.sql and the README).

with bridge_monthly as (
    select * from {{ ref('mrr_bridge_monthly') }}
),

final as (
    select
        month,
        opening_mrr,
        new_mrr,
        expansion_mrr,
        reactivation_mrr,
        contraction_mrr,
        churn_mrr,
        fx_mrr,
        closing_mrr,
        net_new_mrr,
        opening_customers,
        new_customers,
        reactivated_customers,
        churned_customers,
        closing_customers,
        arr,
        {{ mrr_kpi_columns() }}
    from bridge_monthly
)

select * from final

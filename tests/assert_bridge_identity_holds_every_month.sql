-- closing = opening + new + expansion + reactivation - contraction - churn + fx, to the cent, and
-- net new MRR is that change without fx.
select *
from {{ ref('mrr_bridge_monthly') }}
where closing_mrr
    != opening_mrr + new_mrr + expansion_mrr + reactivation_mrr - contraction_mrr - churn_mrr + fx_mrr
    or net_new_mrr != closing_mrr - opening_mrr - fx_mrr
    or closing_customers
    != opening_customers + new_customers + reactivated_customers - churned_customers

-- Counting parents and children as one customer moves MRR between movement types, never in total.
select flat.month
from {{ ref('mrr_bridge_monthly') }} as flat
full outer join {{ ref('mrr_bridge_monthly_parent_rollup') }} as parent_rollup
    on flat.month = parent_rollup.month
where flat.month is null
    or parent_rollup.month is null
    or flat.opening_mrr != parent_rollup.opening_mrr
    or flat.closing_mrr != parent_rollup.closing_mrr
    or parent_rollup.closing_mrr
    != parent_rollup.opening_mrr + parent_rollup.new_mrr + parent_rollup.expansion_mrr
    + parent_rollup.reactivation_mrr - parent_rollup.contraction_mrr - parent_rollup.churn_mrr
    + parent_rollup.fx_mrr

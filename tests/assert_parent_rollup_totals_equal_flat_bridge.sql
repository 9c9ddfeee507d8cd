-- Counting parents and children as one customer moves MRR between movement types, never in total.
select flat.month
from {{ ref('mrr_bridge_monthly') }} as flat
full outer join {{ ref('mrr_bridge_monthly_parent_rollup') }} as rollup
    on flat.month = rollup.month
where flat.month is null
    or rollup.month is null
    or flat.opening_mrr != rollup.opening_mrr
    or flat.closing_mrr != rollup.closing_mrr
    or rollup.closing_mrr
    != rollup.opening_mrr + rollup.new_mrr + rollup.expansion_mrr + rollup.reactivation_mrr
    - rollup.contraction_mrr - rollup.churn_mrr + rollup.fx_mrr

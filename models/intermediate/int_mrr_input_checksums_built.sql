-- The input checksums the stored months now reflect, read by the next build's
-- int_mrr_recompute_window. It depends on every incremental month-grain model, so it is written
-- only after all of them were rebuilt: a build that fails on the way leaves the old checksums,
-- and the next build recomputes what this one did not.
-- depends_on: {{ ref('fct_mrr') }}
-- depends_on: {{ ref('fct_mrr_movements') }}
-- depends_on: {{ ref('fct_mrr_product_movements') }}
-- depends_on: {{ ref('fct_mrr_expansion_drivers') }}
-- depends_on: {{ ref('mrr_bridge_monthly_by_slice') }}

with current_checksums as (
    select * from {{ ref('int_mrr_input_checksums') }}
)

select * from current_checksums

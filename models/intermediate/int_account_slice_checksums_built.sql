-- The slice attributes the stored months of mrr_bridge_monthly_by_slice now reflect, as checksums
-- summed by first active month (macros/incremental_months.sql), read by the next build's
-- int_slice_recompute_window. Written only after the slices were rebuilt, so a build that fails on
-- the way leaves the old checksums and the next build recomputes what this one did not.
-- depends_on: {{ ref('mrr_bridge_monthly_by_slice') }}

with accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    {{ slice_attribute_checksums('accounts') }}
)

select * from final

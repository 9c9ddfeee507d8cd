-- The slice attributes the stored months of mrr_bridge_monthly_by_slice now reflect, read by the
-- next build's int_slice_recompute_window. Written only after the slices were rebuilt, so a build
-- that fails on the way leaves the old attributes and the next build recomputes what this one did not.
-- depends_on: {{ ref('mrr_bridge_monthly_by_slice') }}

with accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        account_id,
        {%- for slice_type in account_slice_types() %}
        {{ slice_type }},
        {%- endfor %}
        first_active_month
    from accounts
)

select * from final

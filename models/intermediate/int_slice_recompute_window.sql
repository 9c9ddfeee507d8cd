-- The first month an incremental build must recompute in mrr_bridge_monthly_by_slice. Its months
-- depend on the month models (int_mrr_recompute_window) and on the accounts' current slice
-- attributes: an account whose segment, region, industry or owner changed since the stored months
-- were built (int_account_slice_attributes_built) moves between slices in every month it has, so
-- the slices are recomputed from the first active month of the earliest such account.
-- It reads the mart dim_accounts, unusually for an intermediate model: the slices take their
-- attributes from it, so the comparison sees exactly what they see.
-- depends_on: {{ ref('dim_accounts') }}

{%- set built = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='int_account_slice_attributes_built'
) %}

with month_models_window as (
    select * from {{ ref('int_mrr_recompute_window') }}
),

{% if built is none or flags.FULL_REFRESH %}

-- No stored attributes (first build, or a project upgraded to this model), or a full refresh: every month.
attributes_changed_from as (
    select {{ calendar_start() }} as changed_from_month
),

{% else %}

current_accounts as (
    select * from {{ ref('dim_accounts') }}
),

built_accounts as (
    select * from {{ built }}
),

attributes_changed_from as (
    select
        min(least(
            coalesce(current_accounts.first_active_month, built_accounts.first_active_month),
            coalesce(built_accounts.first_active_month, current_accounts.first_active_month)
        )) as changed_from_month
    from current_accounts
    full outer join built_accounts
        on current_accounts.account_id = built_accounts.account_id
    where current_accounts.account_id is null
        or built_accounts.account_id is null
        {%- for slice_type in account_slice_types() %}
        or current_accounts.{{ slice_type }} is distinct from built_accounts.{{ slice_type }}
        {%- endfor %}
),

{% endif %}

final as (
    select
        coalesce(
            least(month_models_window.recompute_from_month, attributes_changed_from.changed_from_month),
            month_models_window.recompute_from_month
        ) as recompute_from_month
    from month_models_window
    cross join attributes_changed_from
)

select * from final

-- The first month an incremental build must recompute in mrr_bridge_monthly_by_slice. Its months
-- depend on the month models (int_mrr_recompute_window) and on the accounts' current slice
-- attributes: an account whose segment, region, industry or owner changed since the stored months
-- were built moves between slices in every month it has, so the slices are recomputed from the
-- first active month of the earliest such account: the earliest month whose sum of attribute
-- checksums differs from the one stored after the last build (int_account_slice_checksums_built).
-- It reads the mart dim_accounts, unusually for an intermediate model: the slices take their
-- attributes from it, so the comparison sees exactly what they see.
-- depends_on: {{ ref('dim_accounts') }}

{%- set built = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='int_account_slice_checksums_built'
) %}

with month_models_window as (
    select * from {{ ref('int_mrr_recompute_window') }}
),

{% if built is none or flags.FULL_REFRESH %}

-- No stored checksums (first build, or a project upgraded to this model), or a full refresh: every month.
attributes_changed_from as (
    select {{ calendar_start() }} as recompute_from_month
),

{% else %}

current_accounts as (
    select * from {{ ref('dim_accounts') }}
),

current_checksums as (
    {{ slice_attribute_checksums('current_accounts') }}
),

built_checksums as (
    select * from {{ built }}
),

attributes_changed_from as (
    {{ earliest_month_with_changed_checksums('current_checksums', 'built_checksums') }}
),

{% endif %}

final as (
    select
        coalesce(
            least(month_models_window.recompute_from_month, attributes_changed_from.recompute_from_month),
            month_models_window.recompute_from_month
        ) as recompute_from_month
    from month_models_window
    cross join attributes_changed_from
)

select * from final

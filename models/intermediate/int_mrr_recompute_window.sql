-- The first month an incremental build must recompute: the earliest month whose input checksums
-- (int_mrr_input_checksums) differ from the ones the stored months were built from
-- (int_mrr_input_checksums_built, written at the end of the previous build). Per input, that is
--   added or removed:           its first counted month;
--   other content or start:     the earlier of its old and new first months;
--   only its last month moved:  the month after the earlier of its old and new last months.
-- No stored checksums (first build, or a project upgraded to this model), or a full refresh:
-- every month (the data tests of the month models check the months from here on).
-- Nothing changed: the month after as_of, i.e. no month.

{%- set built = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='int_mrr_input_checksums_built'
) %}

with current_checksums as (
    select * from {{ ref('int_mrr_input_checksums') }}
),

{% if built is none or flags.FULL_REFRESH %}

changed_from as (
    select min(recompute_from_month) as recompute_from_month
    from current_checksums
    where change_kind = 'content'
),

{% else %}

built_checksums as (
    select * from {{ built }}
),

changed_from as (
    {{ earliest_month_with_changed_checksums('current_checksums', 'built_checksums') }}
),

{% endif %}

final as (
    select
        coalesce(
            recompute_from_month, cast({{ dbt.dateadd('month', 1, as_of_month()) }} as date)
        ) as recompute_from_month
    from changed_from
)

select * from final

-- The first month an incremental build must recompute: the earliest month in which any input
-- differs from the inputs the stored months were built from (int_mrr_input_fingerprints_built,
-- written at the end of the previous build). Per input, the months that can change are
--   added or removed:           from its first counted month;
--   other content or start:     from the earlier of its old and new first months;
--   only its last month moved:  from the month after the earlier of its old and new last months.
-- No stored fingerprints (first build, or a project upgraded to this model), or a full refresh:
-- every month (the data tests of the month models check the months from here on).
-- Nothing changed: the month after as_of, i.e. no month.

{%- set built = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='int_mrr_input_fingerprints_built'
) %}

with current_inputs as (
    select * from {{ ref('int_mrr_input_fingerprints') }}
),

{% if built is none or flags.FULL_REFRESH %}

changed_from as (
    select min(first_month) as recompute_from_month from current_inputs
),

{% else %}

built_inputs as (
    select * from {{ built }}
),

compared as (
    select
        built_inputs.first_month as built_first_month,
        built_inputs.last_month as built_last_month,
        current_inputs.first_month as current_first_month,
        current_inputs.last_month as current_last_month,
        built_inputs.input_key is null or current_inputs.input_key is null
        or built_inputs.fingerprint != current_inputs.fingerprint
        or built_inputs.first_month is distinct from current_inputs.first_month as changed_throughout,
        built_inputs.last_month is distinct from current_inputs.last_month as changed_at_end
    from current_inputs
    full outer join built_inputs
        on current_inputs.input_kind = built_inputs.input_kind
        and current_inputs.input_key = built_inputs.input_key
),

changes as (
    select
        case
            when changed_throughout then least(built_first_month, current_first_month)
            else cast({{ dbt.dateadd('month', 1, 'least(built_last_month, current_last_month)') }} as date)
        end as changed_from_month
    from compared
    where changed_throughout or changed_at_end
),

changed_from as (
    select min(changed_from_month) as recompute_from_month from changes
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

-- Every raw row is accounted for: raw rows = accepted + rejected + collapsed exact duplicates,
-- per source table. The model that judges a table's rows has one row per distinct raw row, with
-- raw_row_count the raw rows it stands for; the table balances when those add up to the rows
-- loaded. `mrr check` compares raw_rows with its own count of the loaded files.

with loaded_counts as (
    select * from {{ ref('stg_raw__row_counts') }}
),

judged_counts as (
    {%- for source_table, checking_model, _ in checked_source_tables() %}
    select
        '{{ source_table }}' as source_table,
        coalesce(sum(raw_row_count), 0) as judged_raw_rows,
        sum(case when rejection_reason is null then 1 else 0 end) as accepted_rows,
        sum(case when rejection_reason is null then 0 else 1 end) as rejected_rows
    from {{ ref(checking_model) }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        cast(loaded_counts.source_table as {{ dbt.type_string() }}) as source_table,
        cast(loaded_counts.loaded_rows as bigint) as raw_rows,
        cast(coalesce(judged_counts.accepted_rows, 0) as bigint) as accepted_rows,
        cast(coalesce(judged_counts.rejected_rows, 0) as bigint) as rejected_rows,
        cast(
            coalesce(judged_counts.judged_raw_rows, 0)
            - coalesce(judged_counts.accepted_rows, 0)
            - coalesce(judged_counts.rejected_rows, 0)
            as bigint
        ) as collapsed_duplicate_rows,
        loaded_counts.loaded_rows = coalesce(judged_counts.judged_raw_rows, 0) as is_balanced
    from loaded_counts
    left join judged_counts
        on loaded_counts.source_table = judged_counts.source_table
)

select * from final

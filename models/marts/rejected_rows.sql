-- Rule 9: every raw row left out of the warehouse, with why. A row is judged by the last model
-- that checks it (staging for its own values, intermediate models for references to other tables).


with rejected as (
    {%- for source_table, checking_model, key_column in checked_source_tables() %}
    select
        '{{ source_table }}' as source_table,
        {{ key_column }} as source_key,
        source_row_number,
        rejection_reason,
        raw_row
    from {{ ref(checking_model) }}
    where rejection_reason is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(source_key as {{ dbt.type_string() }}) as source_key,
        cast(source_row_number as bigint) as source_row_number,
        cast(rejection_reason as {{ dbt.type_string() }}) as reason,
        cast(raw_row as {{ dbt.type_string() }}) as raw_row
    from rejected
)

select * from final

{#- A primary key: unique and never null, in one query. Under a column it checks that column; on a
    model, `columns` names a composite key. recomputed_months_only: for incremental month models,
    check the months this build wrote (earlier ones were checked by the builds that wrote them). -#}
{% test primary_key(model, column_name=none, columns=none, recomputed_months_only=false) %}
    {%- set key_columns = columns if columns is not none else [column_name] -%}
    {%- set rows_checked -%}
        select * from {{ model }}
        {%- if recomputed_months_only %}
        where {{ in_months_this_build_wrote('month') }}
        {%- endif %}
    {%- endset -%}
    {{ adapter.dispatch('primary_key_violations', 'mrr_warehouse')(rows_checked, key_columns) }}
{% endtest %}

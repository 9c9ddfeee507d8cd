{#- recomputed_months_only: for incremental month models, check the months this build wrote. -#}
{% test unique_combination_of_columns(model, combination_of_columns, recomputed_months_only=false) %}
    {%- set rows_checked -%}
        select * from {{ model }}
        {%- if recomputed_months_only %}
        where {{ in_months_this_build_wrote('month') }}
        {%- endif %}
    {%- endset -%}
    {{ adapter.dispatch('duplicate_keys', 'mrr_warehouse')(rows_checked, combination_of_columns | join(', ')) }}
{% endtest %}

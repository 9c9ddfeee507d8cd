{#- recomputed_months_only: for incremental month models, check the months this build wrote. -#}
{% test unique_combination_of_columns(model, combination_of_columns, recomputed_months_only=false) %}
    {%- set columns = combination_of_columns | join(', ') %}
    select
        {{ columns }},
        count(*) as duplicate_count
    from {{ model }}
    {%- if recomputed_months_only %}
    where {{ in_months_this_build_wrote('month') }}
    {%- endif %}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}

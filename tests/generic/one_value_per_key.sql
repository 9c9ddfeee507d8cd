{#- Each non-null value of column_name goes with one value of value_column: a key that stands in
    for an id (macros/splits.sql) must not be shared by two ids. -#}
{% test one_value_per_key(model, column_name, value_column) %}
    select
        {{ column_name }},
        count(distinct {{ value_column }}) as values_sharing_key
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
    having count(distinct {{ value_column }}) > 1
{% endtest %}

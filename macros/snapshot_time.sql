{#- Snapshots are dated in business time: the as_of of the build that reported a figure, also
    when a row is closed because its account-month lost all MRR (hard_deletes='invalidate'). -#}
{% macro duckdb__snapshot_get_time() -%}
    cast({{ as_of_date() }} as timestamp)
{%- endmacro %}

{#- Custom schemas are used verbatim (`staging`, `intermediate`, `marts`) so BI tools and the
    docs can name `marts.fct_mrr` whatever the target's default schema is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

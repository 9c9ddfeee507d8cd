{#- Keys of the product split and the primary plan: a line without a product counts as the product
    '(none)'; a line without a plan (a CRM contract) counts as the plan named by its line_source. -#}
{% macro product_key(product_column) -%}
    coalesce({{ product_column }}, '(none)')
{%- endmacro %}

{% macro plan_key(plan_column, line_source_column) -%}
    coalesce({{ plan_column }}, {{ line_source_column }})
{%- endmacro %}

{#- Aggregate: the one value a never-null `expression` takes over the group's rows, or null when
    it takes several. -#}
{% macro sole_value(expression) -%}
    case when min({{ expression }}) = max({{ expression }}) then min({{ expression }}) end
{%- endmacro %}

{#- A stand-in for a value that only has to compare equal or unequal (min = max: one distinct value),
    null when the value is. On DuckDB a 64-bit hash, which aggregates far faster than strings: at 1M
    accounts min/max of ids over 15M rows spilled to disk. Two values sharing a hash would count as one. -#}
{% macro value_fingerprint(column) -%}
    {{ return(adapter.dispatch('value_fingerprint', 'mrr_warehouse')(column)) }}
{%- endmacro %}

{% macro default__value_fingerprint(column) -%}
    {{ column }}
{%- endmacro %}

{% macro duckdb__value_fingerprint(column) -%}
    case when {{ column }} is not null then hash({{ column }}) end
{%- endmacro %}

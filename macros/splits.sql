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

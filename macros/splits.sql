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

{#- A stand-in for a value that only has to compare equal or unequal, null when the value is: the
    smallest and largest of a group (one distinct value or several), and the account_key and
    customer_key the month models carry instead of the ids (int_revenue_lines). On DuckDB a 64-bit
    hash, which groups, joins and is written far faster than a string: at 1M accounts an id column
    costs ~3 s to write per 15M-row table, its hash 0.3 s, and min/max of ids over 15M rows spilled
    to disk. Two ids sharing a hash would count as one: tests on int_revenue_lines and
    int_account_keys fail the build if that ever happens. -#}
{% macro value_fingerprint(column) -%}
    {{ return(adapter.dispatch('value_fingerprint', 'mrr_warehouse')(column)) }}
{%- endmacro %}

{% macro default__value_fingerprint(column) -%}
    {{ column }}
{%- endmacro %}

{% macro duckdb__value_fingerprint(column) -%}
    case when {{ column }} is not null then hash({{ column }}) end
{%- endmacro %}

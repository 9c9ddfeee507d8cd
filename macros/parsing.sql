{#- Raw columns arrive as text. These parse one column and return null when the text is not a
    valid value, so staging can tell "empty" from "does not parse" and reject the row. -#}

{% macro parse_date(column) -%}
    {{ return(adapter.dispatch('parse_date', 'mrr_warehouse')(column)) }}
{%- endmacro %}

{#- Strictly YYYY-MM-DD, the contract's format: DuckDB's cast alone would also take '2025-1-5'. -#}
{% macro default__parse_date(column) -%}
    case when {{ column }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then try_cast({{ column }} as date) end
{%- endmacro %}

{% macro duckdb__parse_date(column) -%}
    case when regexp_full_match({{ column }}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_cast({{ column }} as date) end
{%- endmacro %}

{% macro postgres__parse_date(column) -%}
    case
        when {{ column }} ~ '^\d{4}-\d{2}-\d{2}$'
            and to_char(to_date({{ column }}, 'YYYY-MM-DD'), 'YYYY-MM-DD') = {{ column }}
            then cast({{ column }} as date)
    end
{%- endmacro %}

{% macro parse_decimal(column, precision=20, scale=6) -%}
    {{ return(adapter.dispatch('parse_decimal', 'mrr_warehouse')(column, precision, scale)) }}
{%- endmacro %}

{% macro default__parse_decimal(column, precision, scale) -%}
    try_cast({{ column }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro postgres__parse_decimal(column, precision, scale) -%}
    case
        when {{ column }} ~ '^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$'
            then cast({{ column }} as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}

{#- Whole numbers only: "3.5" seats is a bad value, not 4 seats. -#}
{% macro parse_integer(column) -%}
    case
        when {{ parse_decimal(column, 20, 6) }} = floor({{ parse_decimal(column, 20, 6) }})
            then cast({{ parse_decimal(column, 20, 6) }} as bigint)
    end
{%- endmacro %}

{#- "quantity: 'abc' does not parse" when text is present but its parsed value is null. -#}
{% macro parse_failure(column, parsed) -%}
    case
        when {{ column }} is not null and {{ parsed }} is null
            then '{{ column }}: ''' || {{ column }} || ''' does not parse'
    end
{%- endmacro %}

{#- Raw columns arrive as text. These parse one column and return null when the text is not a
    valid value, so staging can tell "empty" from "does not parse" and reject the row. -#}

{#- The whole text matches a regular expression (one engine's syntax each; patterns here keep to
    what they share). -#}
{% macro full_match(column, pattern) -%}
    {{ return(adapter.dispatch('full_match', 'mrr_warehouse')(column, pattern)) }}
{%- endmacro %}

{% macro default__full_match(column, pattern) -%}
    {{ column }} rlike '^({{ pattern }})$'
{%- endmacro %}

{% macro duckdb__full_match(column, pattern) -%}
    regexp_full_match({{ column }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__full_match(column, pattern) -%}
    {{ column }} ~ '^({{ pattern }})$'
{%- endmacro %}

{% macro parse_date(column) -%}
    {{ return(adapter.dispatch('parse_date', 'mrr_warehouse')(column)) }}
{%- endmacro %}

{#- Strictly YYYY-MM-DD, the contract's format: DuckDB's cast alone would also take '2025-1-5'. -#}
{% macro default__parse_date(column) -%}
    case when {{ full_match(column, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }} then {{ cast_or_null(column, 'date') }} end
{%- endmacro %}

{% macro postgres__parse_date(column) -%}
    case
        when {{ full_match(column, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            and to_char(to_date({{ column }}, 'YYYY-MM-DD'), 'YYYY-MM-DD') = {{ column }}
            then cast({{ column }} as date)
    end
{%- endmacro %}

{#- Plain decimal notation (sign, digits, point, exponent), as the contract's files write numbers.
    (DuckDB's cast alone would also take '1_000' and '0x31'.) -#}
{% macro is_plain_number(column) -%}
    {{ full_match(column, '[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?') }}
{%- endmacro %}

{#- An amount with no more decimals than `scale`: a cast would round '0.0000015' to 0.000002 and
    change MRR without a word, so such a value does not parse and its row is rejected. What lies
    beyond 12 significant digits of the value is floating-point noise of the export, not a price
    (599.8800000000001 is 599.88), so the check compares the text read as a double with its
    rounded decimal within that margin; a decimal(38, 24) cast and exact compare was also ~6x
    slower on 2.8M invoice lines. -#}
{% macro parse_decimal(column, precision=20, scale=6) -%}
    {%- set as_double = cast_or_null(column, type_ratio() | trim) -%}
    {%- set as_decimal = cast_or_null(column, 'decimal(' ~ precision ~ ', ' ~ scale ~ ')') -%}
    case
        when {{ is_plain_number(column) }}
            and abs({{ as_double }} - {{ as_decimal }}) <= 1e-12 * greatest(abs({{ as_double }}), 1)
            then {{ as_decimal }}
    end
{%- endmacro %}

{#- For ratios rather than amounts (exchange rates, percent off, goal targets), often computed in
    floating point (a third): a value with more decimals than the decimal type has is rounded to it,
    half away from zero, instead of not parsing. -#}
{% macro parse_rounded_decimal(column, decimal_type) -%}
    case when {{ is_plain_number(column) }} then {{ cast_or_null(column, decimal_type) }} end
{%- endmacro %}

{#- A cast that gives null where the value does not fit the type (DuckDB and Spark: try_cast).
    Postgres has no try_cast: there the callers' pattern checks guard the cast, and a number past
    the type's precision fails the build. -#}
{% macro cast_or_null(column, type) -%}
    {{ return(adapter.dispatch('cast_or_null', 'mrr_warehouse')(column, type)) }}
{%- endmacro %}

{% macro default__cast_or_null(column, type) -%}
    try_cast({{ column }} as {{ type }})
{%- endmacro %}

{% macro postgres__cast_or_null(column, type) -%}
    cast({{ column }} as {{ type }})
{%- endmacro %}

{#- Whole numbers only: "3.5" seats is a bad value, not 4 seats. -#}
{% macro parse_integer(column) -%}
    case
        when {{ parse_decimal(column, 20, 6) }} = floor({{ parse_decimal(column, 20, 6) }})
            then cast({{ parse_decimal(column, 20, 6) }} as bigint)
    end
{%- endmacro %}

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

{#- Strictly YYYY-MM-DD, the contract's format: DuckDB's cast alone would also take '2025-1-5', and
    year 0000 as 1 BC (the calendar has no year 0; Postgres and Python refuse it). -#}
{% macro default__parse_date(column) -%}
    case
        when {{ full_match(column, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }} and substr({{ column }}, 1, 4) != '0000'
            then {{ cast_or_null(column, 'date') }}
    end
{%- endmacro %}

{#- Postgres has no try_cast, and its date parsers raise on a day the month lacks (2025-02-30): the
    parts are checked first, each CASE only after the one before it held (AND has no fixed order). -#}
{% macro postgres__parse_date(column) -%}
    case when {{ full_match(column, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }} then
        case when cast(substr({{ column }}, 1, 4) as integer) >= 1
            and cast(substr({{ column }}, 6, 2) as integer) between 1 and 12 then
            case when cast(substr({{ column }}, 9, 2) as integer) between 1 and extract(day from
                make_date(cast(substr({{ column }}, 1, 4) as integer), cast(substr({{ column }}, 6, 2) as integer), 1)
                + interval '1 month' - interval '1 day'
            ) then cast({{ column }} as date) end
        end
    end
{%- endmacro %}

{#- Plain decimal notation (sign, digits, point, exponent), as the contract's files write numbers.
    (DuckDB's cast alone would also take '1_000' and '0x31'.) -#}
{% macro is_plain_number(column) -%}
    {{ full_match(column, '[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?') }}
{%- endmacro %}

{#- Amounts and quantities keep 12 decimals: a price can be a fraction of a cent, or derived in
    floating point (a weekly price from a monthly one, 99 x 12 / 52, is written 22.846153846153847).
    More are rounded half away from zero, which also drops the noise of a floating-point export past
    the 12th decimal (599.8800000000001 is 599.88); a value within 12 decimals counts as written, as
    an independent reading of the same file would take it (10000.009999999998 is not 10000.01). -#}
{% macro type_amount() -%}
    decimal(26, 12)
{%- endmacro %}

{% macro parse_decimal(column) -%}
    {{ parse_rounded_decimal(column, type_amount()) }}
{%- endmacro %}

{#- A value with more decimals than the decimal type has is rounded to it, half away from zero,
    instead of not parsing: amounts (above), and ratios often computed in floating point (a third),
    exchange rates, percent off and goal targets.
    The outer cast is for Postgres, where a case without an else loses the type's precision and
    scale (DuckDB drops it: the case already has the type). -#}
{% macro parse_rounded_decimal(column, decimal_type) -%}
    cast(case when {{ is_plain_number(column) }} then {{ cast_or_null(column, decimal_type) }} end as {{ decimal_type }})
{%- endmacro %}

{#- A cast that gives null where the value does not fit the type (DuckDB and Spark: try_cast). -#}
{% macro cast_or_null(column, type) -%}
    {{ return(adapter.dispatch('cast_or_null', 'mrr_warehouse')(column, type)) }}
{%- endmacro %}

{% macro default__cast_or_null(column, type) -%}
    try_cast({{ column }} as {{ type }})
{%- endmacro %}

{#- Postgres has no try_cast, and a failed cast fails the build. The callers' pattern checks guard
    the syntax; a decimal is first read as an unbounded numeric (which takes any exponent of up to
    four digits, and any text of up to 1,000 characters) and cast only when, rounded to the type's
    scale, it fits the type's precision. -#}
{% macro postgres__cast_or_null(column, type) -%}
    {%- set decimal_type = modules.re.fullmatch('(decimal|numeric)\\((\\d+), *(\\d+)\\)', type | trim | lower) -%}
    {%- if decimal_type -%}
        {%- set precision = decimal_type.group(2) | int -%}
        {%- set scale = decimal_type.group(3) | int -%}
    case
        when length({{ column }}) <= 1000 and {{ full_match(column, '[^eE]*([eE][-+]?[0-9]{1,4})?') }}
            then case
                when round(abs(cast({{ column }} as numeric)), {{ scale }}) < 1e{{ precision - scale }}
                    then cast({{ column }} as {{ type }})
            end
    end
    {%- else -%}
    cast({{ column }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{#- Whole numbers only: "3.5" seats is a bad value, not 4 seats. -#}
{% macro parse_integer(column) -%}
    case
        when {{ parse_decimal(column) }} = floor({{ parse_decimal(column) }})
            then cast({{ parse_decimal(column) }} as bigint)
    end
{%- endmacro %}
